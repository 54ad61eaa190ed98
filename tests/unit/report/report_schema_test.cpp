#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/report/report.hpp"
#include "json_schema_check.hpp"
#include "sample_fleet.hpp"
#include "test_support.hpp"

using namespace fleetcheck;
using nlohmann::json;
using ::testing::IsEmpty;

namespace {

const json& report_schema() {
  static const json schema =
      json::parse(testkit::read_file(testkit::source_file("docs/report-schema.json")));
  return schema;
}

/// The samples between them fill every optional field, each nullable one both ways, and the
/// filtered and empty shapes.
std::vector<std::pair<std::string, testkit::sample_fleet>> samples() {
  std::vector<std::pair<std::string, testkit::sample_fleet>> all;
  all.emplace_back("every field", testkit::every_field());
  all.emplace_back("hostile bytes", testkit::hostile_fleet());
  all.emplace_back("grpc", testkit::grpc_fleet());
  auto none_healthy = testkit::every_field();
  for (auto& r : none_healthy.results) {
    if (r.outcome != core::outcome::healthy) continue;
    r.outcome = core::outcome::timeout;
    r.failure = core::failure::timeout;
    r.failed_phase = core::probe_phase::transfer;
  }
  all.emplace_back("none healthy", std::move(none_healthy));
  all.emplace_back("empty", testkit::sample_fleet{});
  all.emplace_back("icmp and tls", testkit::icmp_and_tls());
  testkit::sample_fleet dns;
  dns.add("dns", "dns://127.0.0.1:5353/mail.test?type=MX", core::outcome::healthy, 0, 0.0003).dns =
      core::dns_reply{"NOERROR", 2, 0, 1, {"mx1.mail.test.", "mx2.mail.test."}};
  auto& silent = dns.add("silent", "dns://127.0.0.1:5354/a.test", core::outcome::timeout, 0, 1.0,
                         "timed out after 1s while waiting for response");
  silent.failure = core::failure::timeout;
  silent.failed_phase = core::probe_phase::first_byte;
  silent.dns.emplace();  // a dns:// check without an answer: rcode null
  all.emplace_back("dns", std::move(dns));
  return all;
}

std::vector<report::render_options> option_sets() {
  report::render_options only_failed;
  only_failed.only_failed = true;
  return {{}, only_failed};
}

/// Every property name used anywhere in `doc`, as "parent.name" under the objects the schema
/// names: summary, by_outcome, latency_seconds, result, phases.
void collect_fields(const json& doc, const std::string& where, std::set<std::string>& seen) {
  if (!doc.is_object()) return;
  for (const auto& [name, value] : doc.items()) {
    seen.insert(where + "." + name);
    if (name == "results") {
      for (const auto& r : value) collect_fields(r, "result", seen);
    } else if (name == "groups") {
      // Keyed by group name: what matters is the shape of each entry.
      for (const auto& [group, entry] : value.items()) collect_fields(entry, "group", seen);
    } else if (value.is_object()) {
      collect_fields(value, name, seen);
    }
  }
}

/// The same names, as the schema documents them.
std::set<std::string> documented_fields() {
  std::set<std::string> fields;
  const auto& defs = report_schema()["$defs"];
  const auto add = [&](const std::string& where, const json& object) {
    for (const auto& [name, _] : object["properties"].items()) fields.insert(where + "." + name);
  };
  add("report", defs["report"]);
  add("summary", defs["summary"]);
  add("by_outcome", defs["summary"]["properties"]["by_outcome"]);
  add("latency_seconds", defs["summary"]["properties"]["latency_seconds"]);
  add("group", defs["summary"]["properties"]["groups"]["additionalProperties"]);
  add("result", defs["result"]);
  add("phases", defs["result"]["properties"]["phases"]);
  add("icmp", defs["result"]["properties"]["icmp"]);
  add("dns", defs["result"]["properties"]["dns"]);
  return fields;
}

}  // namespace

TEST(report_schema, json_reports_are_valid) {
  std::set<std::string> seen;
  for (const auto& [label, s] : samples()) {
    for (const auto& options : option_sets()) {
      std::ostringstream out;
      report::render_json(out, s.view(), options);
      const auto doc = json::parse(out.str());
      EXPECT_THAT(testkit::schema_violations(report_schema(), doc), IsEmpty())
          << label << (options.only_failed ? ", only failed" : "") << ":\n"
          << doc.dump(2);
      collect_fields(doc, "report", seen);
    }
  }
  // The samples really exercised every field the schema documents, and nothing else.
  EXPECT_EQ(seen, documented_fields());
}

TEST(report_schema, ndjson_lines_are_valid) {
  for (const auto& [label, s] : samples()) {
    for (const auto& options : option_sets()) {
      std::ostringstream out;
      report::render_ndjson(out, s.view(), options);
      std::istringstream lines(out.str());
      std::size_t count = 0;
      std::string last;
      for (std::string line; std::getline(lines, line); ++count) {
        EXPECT_THAT(
            testkit::schema_violations(report_schema(), json::parse(line), "#/$defs/ndjson_line"),
            IsEmpty())
            << label << ": " << line;
        last = line;
      }
      EXPECT_TRUE(json::parse(last).contains("summary")) << "the summary line comes last";
      EXPECT_THAT(testkit::schema_violations(report_schema(), json::parse(last), "#/$defs/result"),
                  ::testing::Not(IsEmpty()))
          << "the summary line must not pass as a result";
    }
  }
}

TEST(report_schema, enums_match_the_names_the_code_writes) {
  const auto& result = report_schema()["$defs"]["result"]["properties"];
  json outcomes = json::array();
  for (const auto o : {core::outcome::healthy, core::outcome::unhealthy, core::outcome::error,
                       core::outcome::timeout, core::outcome::deadline}) {
    outcomes.push_back(core::to_string(o));
  }
  EXPECT_EQ(result["outcome"]["enum"], outcomes);

  // Every failure kind but `none` (a healthy result writes null), then null.
  json failures = json::array();
  for (int f = 1; f <= static_cast<int>(core::failure::not_started); ++f) {
    failures.push_back(core::to_string(static_cast<core::failure>(f)));
  }
  failures.push_back(nullptr);
  EXPECT_EQ(result["failure"]["enum"], failures);

  // Every phase but `done` (a check that got its answer writes null), then null.
  json phases = json::array();
  for (int p = 0; p < static_cast<int>(core::probe_phase::done); ++p) {
    phases.push_back(core::phase_name(static_cast<core::probe_phase>(p)));
  }
  phases.push_back(nullptr);
  EXPECT_EQ(result["failed_phase"]["enum"], phases);
}

TEST(report_schema, describes_every_field_and_names_its_version) {
  const auto& defs = report_schema()["$defs"];
  for (const auto& def : {"summary", "result"}) {
    for (const auto& [name, property] : defs[def]["properties"].items()) {
      EXPECT_TRUE(property.contains("description")) << def << "." << name;
    }
  }
  EXPECT_EQ(defs["summary"]["properties"]["schema_version"]["const"], report::json_schema_version);
  EXPECT_EQ(defs["summary"]["properties"]["unhealthy"]["deprecated"], true);
}
