#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/report/report.hpp"

using namespace fleetcheck;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

struct sample {
  std::vector<core::target> targets;
  std::vector<core::probe_result> results;
  core::run_summary summary;

  sample() {
    const auto add = [&](std::string name, core::outcome o, int status, double seconds,
                         std::string error) {
      auto t = *config::target_from_url("http://127.0.0.1:9000/health", {});
      t.name = std::move(name);
      targets.push_back(t);
      core::probe_result r;
      r.outcome = o;
      r.http_status = status;
      r.duration_seconds = seconds;
      r.error = std::move(error);
      r.attempts = 1;
      r.phases.connect = 0.001;
      results.push_back(r);
    };
    add("alpha", core::outcome::healthy, 200, 0.2, "");
    add("bravo", core::outcome::unhealthy, 503, 0.21, "HTTP 503 Service Unavailable, expected 2xx");
    add("charlie", core::outcome::timeout, 0, 2.0, "timed out after 2s while waiting for response");
    add("delta \"quoted\"", core::outcome::error, 0, 0.001, "connection refused");
    summary.elapsed_seconds = 2.001;
  }
  report::fleet_view view() const { return {targets, results, summary}; }
};

std::string table(const sample& s, bool colour = false) {
  std::ostringstream out;
  report::render_table(out, s.view(), {colour});
  return out.str();
}

}  // namespace

TEST(table_renderer, sorts_failures_first_and_ends_with_a_summary) {
  const auto text = table(sample{});
  const auto pos = [&](const char* what) { return text.find(what); };
  EXPECT_LT(pos("delta"), pos("charlie"));
  EXPECT_LT(pos("charlie"), pos("bravo"));
  EXPECT_LT(pos("bravo"), pos("alpha"));
  EXPECT_THAT(text, HasSubstr("checked 4 targets: 1 healthy, 3 failed (1 unhealthy, 1 error, "
                              "1 timeout) in 2.001s, slowest charlie 2.000s"));
  EXPECT_EQ(text.find("\033["), std::string::npos) << "no colour unless asked";
}

TEST(table_renderer, aligns_columns) {
  std::istringstream lines(table(sample{}));
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_EQ(header.find("RESULT"), row.find("error"));
}

TEST(table_renderer, colours_only_when_asked) {
  EXPECT_THAT(table(sample{}, true), HasSubstr("\033[31merror"));
}

TEST(json_renderer, follows_the_documented_schema) {
  sample s;
  std::ostringstream out;
  report::render_json(out, s.view());
  const auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["summary"]["total"], 4);
  EXPECT_EQ(doc["summary"]["healthy"], 1);
  EXPECT_EQ(doc["summary"]["failed"], 3);
  EXPECT_EQ(doc["summary"]["unhealthy"], 3) << "deprecated alias of failed";
  EXPECT_EQ(doc["summary"]["by_outcome"]["unhealthy"], 1);
  EXPECT_EQ(doc["summary"]["schema_version"], 1);
  EXPECT_THAT(
      doc["summary"]["started_at"].get<std::string>(),
      ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));
  EXPECT_EQ(doc["summary"]["deadline_exceeded"], false);
  EXPECT_DOUBLE_EQ(doc["summary"]["elapsed_seconds"].get<double>(), 2.001);
  ASSERT_EQ(doc["results"].size(), 4u);
  const auto& bravo = doc["results"][1];
  EXPECT_EQ(bravo["name"], "bravo");
  EXPECT_EQ(bravo["url"], "http://127.0.0.1:9000/health");
  EXPECT_EQ(bravo["outcome"], "unhealthy");
  EXPECT_EQ(bravo["healthy"], false);
  EXPECT_EQ(bravo["http_status"], 503);
  EXPECT_EQ(bravo["error"], "HTTP 503 Service Unavailable, expected 2xx");
  EXPECT_DOUBLE_EQ(bravo["phases"]["connect"].get<double>(), 0.001);
  EXPECT_TRUE(doc["results"][2]["http_status"].is_null());
  EXPECT_TRUE(doc["results"][0]["error"].is_null());
}

TEST(ndjson_renderer, writes_one_object_per_line_then_the_summary) {
  sample s;
  std::ostringstream out;
  report::render_ndjson(out, s.view());
  std::istringstream lines(out.str());
  std::vector<nlohmann::json> docs;
  for (std::string line; std::getline(lines, line);) docs.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(docs.size(), 5u);
  EXPECT_EQ(docs[0]["name"], "alpha");
  EXPECT_EQ(docs[4]["summary"]["total"], 4);
}

TEST(prometheus_renderer, uses_blackbox_names_and_escapes_labels) {
  sample s;
  std::ostringstream out;
  report::render_prometheus(out, s.view());
  const auto text = out.str();
  EXPECT_THAT(text, HasSubstr("# TYPE probe_success gauge"));
  EXPECT_THAT(text,
              HasSubstr("probe_success{target=\"alpha\",url=\"http://127.0.0.1:9000/health\"} 1"));
  EXPECT_THAT(text, HasSubstr("probe_success{target=\"bravo\""));
  EXPECT_THAT(
      text,
      HasSubstr(
          "probe_http_status_code{target=\"bravo\",url=\"http://127.0.0.1:9000/health\"} 503"));
  EXPECT_THAT(text, HasSubstr("target=\"delta \\\"quoted\\\"\""));
  EXPECT_THAT(text, HasSubstr("phase=\"connect\"} 0.001"));
  EXPECT_THAT(text, HasSubstr("fleetcheck_check_outcome{target=\"charlie\",url=\"http://"
                              "127.0.0.1:9000/health\",outcome=\"timeout\"} 1"));
  EXPECT_THAT(text, HasSubstr("fleetcheck_run_targets 4"));
}

TEST(exit_code, is_zero_only_when_everything_is_healthy) {
  sample s;
  EXPECT_EQ(report::exit_code(s.results), 1);
  for (auto& r : s.results) r.outcome = core::outcome::healthy;
  EXPECT_EQ(report::exit_code(s.results), 0);
}

namespace {

/// A sample whose every text field holds bytes a hostile server could send.
sample hostile() {
  sample s;
  s.targets[1].name = "bra\nvo\t\xff";
  s.results[1].error = "HTTP 503 Service \xffUnavailable\x01, expected 2xx";
  s.results[1].failed_conditions = {"[BODY].status (\xc3\x28) == ok"};
  s.results[2].error = "timed out \xf4\x90\x80\x80 (surrogate-ish \xed\xa0\x80)";
  return s;
}

}  // namespace

TEST(renderers, accept_any_bytes_in_every_format) {
  const auto s = hostile();
  std::ostringstream json_out, ndjson_out, prom_out, table_out;
  ASSERT_NO_THROW(report::render_json(json_out, s.view()));
  ASSERT_NO_THROW(report::render_ndjson(ndjson_out, s.view()));
  ASSERT_NO_THROW(report::render_prometheus(prom_out, s.view()));
  ASSERT_NO_THROW(report::render_table(table_out, s.view(), {false}));
  // JSON stays parseable, with U+FFFD where the bytes were not UTF-8.
  const auto doc = nlohmann::json::parse(json_out.str());
  EXPECT_EQ(doc["results"][1]["error"],
            "HTTP 503 Service \xef\xbf\xbdUnavailable\x01, expected 2xx");
  std::istringstream lines(ndjson_out.str());
  for (std::string line; std::getline(lines, line);) EXPECT_NO_THROW(nlohmann::json::parse(line));
  // The table keeps one row per target: control characters and bad bytes are escaped.
  EXPECT_THAT(table_out.str(), HasSubstr("bra\\nvo\\t\\xff"));
  EXPECT_THAT(table_out.str(), HasSubstr("Service \\xffUnavailable\\x01"));
  const auto table_text = table_out.str();
  // Header, 4 rows, a blank line, the summary and the latency line.
  EXPECT_EQ(std::count(table_text.begin(), table_text.end(), '\n'), 1 + 4 + 1 + 2);
  EXPECT_THAT(prom_out.str(), HasSubstr("target=\"bra\\nvo\t\xef\xbf\xbd\""));
}

TEST(json_renderer, names_the_failure_kind_and_phase) {
  sample s;
  s.results[2].failure = core::failure::timeout;
  s.results[2].failed_phase = core::probe_phase::first_byte;
  std::ostringstream out;
  report::render_json(out, s.view());
  const auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["results"][2]["failure"], "timeout");
  EXPECT_EQ(doc["results"][2]["failed_phase"], "first_byte");
  EXPECT_TRUE(doc["results"][0]["failure"].is_null());
}

TEST(render, dispatches_to_the_chosen_format_with_its_options) {
  sample s;
  report::render_options only_failed;
  only_failed.only_failed = true;
  const auto rendered = [&](report::format f, const report::render_options& options) {
    std::ostringstream out;
    report::render(out, f, s.view(), options, {});
    return out.str();
  };
  std::ostringstream table_out;
  report::render_table(table_out, s.view(), {}, only_failed);
  EXPECT_EQ(rendered(report::format::table, only_failed), table_out.str());
  EXPECT_THAT(rendered(report::format::table, only_failed), Not(HasSubstr("alpha")));
  const auto json = nlohmann::json::parse(rendered(report::format::json, only_failed));
  EXPECT_EQ(json["results"].size(), 3u);
  EXPECT_EQ(json["summary"]["total"], 4);
  const auto ndjson = rendered(report::format::ndjson, only_failed);
  EXPECT_EQ(std::count(ndjson.begin(), ndjson.end(), '\n'), 3 + 1);
  EXPECT_THAT(rendered(report::format::prometheus, only_failed),
              HasSubstr("probe_success{target=\"alpha\""))
      << "every series, always";
  EXPECT_THAT(rendered(report::format::junit, only_failed), HasSubstr("<testsuites"));
  EXPECT_THAT(rendered(report::format::junit, only_failed), Not(HasSubstr("\"alpha\"")));
}

TEST(render, shows_every_row_unless_only_failed) {
  core::probe_result healthy;
  healthy.outcome = core::outcome::healthy;
  core::probe_result failed;
  failed.outcome = core::outcome::deadline;
  EXPECT_TRUE(report::shows({}, healthy));
  EXPECT_TRUE(report::shows({}, failed));
  report::render_options only_failed;
  only_failed.only_failed = true;
  EXPECT_FALSE(report::shows(only_failed, healthy));
  EXPECT_TRUE(report::shows(only_failed, failed));
}

TEST(json_renderer, uses_rows_rendered_as_checks_finished_and_renders_the_rest) {
  sample s;
  std::ostringstream whole;
  report::render_json(whole, s.view());
  // Rows 0 and 2 rendered earlier (as `check` does when their checks finish); 1 and 3 not.
  std::vector<std::string> rendered(s.targets.size());
  rendered[0] = report::result_json(s.targets[0], s.results[0]);
  rendered[2] = report::result_json(s.targets[2], s.results[2]);
  report::render_options options;
  options.rendered_rows = rendered;
  std::ostringstream pieced;
  report::render_json(pieced, s.view(), options);
  EXPECT_EQ(pieced.str(), whole.str());
  // A rendered row is taken as it is, not rendered again.
  rendered[1] = R"({"name":"from the loop"})";
  std::ostringstream taken;
  report::render_json(taken, s.view(), options);
  EXPECT_THAT(taken.str(), HasSubstr(R"({"name":"from the loop"})"));
  EXPECT_THAT(taken.str(), Not(HasSubstr(R"("name":"bravo")")));
}
