#include <cmath>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/report/latency.hpp"
#include "fleetcheck/report/report.hpp"
#include "fleetcheck/report/text.hpp"
#include "fleetcheck/report/timestamps.hpp"

namespace fleetcheck::report {
namespace {

using nlohmann::json;

/// Never throws: invalid UTF-8 (a server's bytes quoted in a message) becomes U+FFFD.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json latency_json(std::span<const core::probe_result> results) {
  const auto latency = healthy_latency(results);
  if (!latency) return nullptr;
  return json{
      {"p50", latency->p50}, {"p90", latency->p90}, {"p99", latency->p99}, {"max", latency->max}};
}

// docs/report-schema.json describes every field; a change here is a change there.
json groups_json(const fleet_view& fleet) {
  json out = json::object();
  for (const auto& [name, t] : count_by_group(fleet)) {
    out[name] = {{"total", t.total}, {"healthy", t.healthy}, {"failed", t.failed()}};
  }
  return out;
}

json summary_json(const fleet_view& fleet) {
  const auto t = count(fleet.results);
  auto out = json{
      {"schema_version", json_schema_version},
      {"started_at", iso8601_utc_ms(fleet.summary.started_at)},
      {"total", t.total},
      {"healthy", t.healthy},
      {"failed", t.failed()},
      // Deprecated alias of `failed`, kept for the scripts that read it: it clashes with
      // by_outcome.unhealthy, which counts the outcome `unhealthy` only.
      {"unhealthy", t.failed()},
      {"by_outcome",
       {{"healthy", t.healthy},
        {"unhealthy", t.unhealthy},
        {"error", t.error},
        {"timeout", t.timeout},
        {"deadline", t.deadline}}},
      {"elapsed_seconds", fleet.summary.elapsed_seconds},
      {"deadline_exceeded", fleet.summary.deadline_exceeded},
      {"interrupted", fleet.summary.interrupted},
      {"latency_seconds", latency_json(fleet.results)},
  };
  if (auto groups = groups_json(fleet); !groups.empty()) out["groups"] = std::move(groups);
  return out;
}

/// A JSON number for a finite double, in the shortest form that reads back the same.
void append_number(std::string& out, double value) {
  if (!std::isfinite(value)) value = 0;
  fmt::format_to(std::back_inserter(out), "{}", value);
}

}  // namespace

// Written directly rather than through a tree: at 10,000 rows the tree cost ~6 µs a row, and this
// is what the process spends past the deadline.
std::string result_json(const core::target& t, const core::probe_result& r) {
  const bool failed = r.outcome != core::outcome::healthy;
  std::string out = "{";
  out.reserve(512);
  const auto key = [&](std::string_view name) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += name;
    out += "\":";
  };
  const auto text = [&](std::string_view name, std::string_view value) {
    key(name);
    append_json_string(out, value);
  };
  const auto text_or_null = [&](std::string_view name, bool present, std::string_view value) {
    key(name);
    if (present) {
      append_json_string(out, value);
    } else {
      out += "null";
    }
  };
  text("name", t.name);
  text("url", t.url);
  text("outcome", core::to_string(r.outcome));
  key("healthy");
  out += failed ? "false" : "true";
  key("http_status");
  out += r.http_status > 0 ? std::to_string(r.http_status) : "null";
  key("duration_seconds");
  append_number(out, r.duration_seconds);
  text_or_null("error", !r.error.empty(), r.error);
  text_or_null("failure", failed, core::to_string(r.failure));
  text_or_null("failed_phase", failed && r.failed_phase != core::probe_phase::done,
               core::phase_name(r.failed_phase));
  key("attempts");
  out += std::to_string(r.attempts);
  key("phases");
  const std::pair<std::string_view, double> phases[] = {{"resolve", r.phases.resolve},
                                                        {"connect", r.phases.connect},
                                                        {"tls", r.phases.tls},
                                                        {"first_byte", r.phases.first_byte},
                                                        {"transfer", r.phases.transfer}};
  out += '{';
  for (const auto& [name, seconds] : phases) {
    if (out.back() != '{') out += ',';
    out += '"';
    out += name;
    out += "\":";
    append_number(out, seconds);
  }
  out += '}';
  key("failed_conditions");
  out += '[';
  for (std::size_t i = 0; i < r.failed_conditions.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, r.failed_conditions[i]);
  }
  out += ']';
  if (!t.group.empty()) text("group", t.group);
  if (r.redirects > 0) {
    key("redirects");
    out += std::to_string(r.redirects);
  }
  if (r.cert_expires_at) {
    text("cert_expires_at", iso8601_utc(*r.cert_expires_at));
    key("tls_resumed");
    out += r.tls_resumed ? "true" : "false";
  }
  if (r.connection_reused) {
    key("connection_reused");
    out += "true";
  }
  if (r.grpc) {
    key("grpc_status_code");
    out += r.grpc->status_code ? std::to_string(*r.grpc->status_code) : "null";
    text_or_null("grpc_serving_status", !r.grpc->serving_status.empty(), r.grpc->serving_status);
    key("grpc_ssl");
    out += r.grpc->tls ? "true" : "false";
  }
  if (!r.tls_version.empty()) text("tls_version", r.tls_version);
  if (r.icmp) {
    key("icmp");
    out += "{\"rtt_seconds\":";
    if (r.icmp->rtt_seconds) {
      append_number(out, *r.icmp->rtt_seconds);
    } else {
      out += "null";
    }
    out += ",\"hop_limit\":";
    out += r.icmp->hop_limit ? std::to_string(*r.icmp->hop_limit) : "null";
    out += '}';
  }
  if (r.dns) {
    const auto& d = *r.dns;
    key("dns");
    out += '{';
    out += "\"rcode\":";
    if (d.rcode.empty()) {
      out += "null";
    } else {
      append_json_string(out, d.rcode);
    }
    out +=
        fmt::format(",\"answer_rrs\":{},\"authority_rrs\":{},\"additional_rrs\":{},\"answers\":[",
                    d.answer_rrs, d.authority_rrs, d.additional_rrs);
    for (std::size_t i = 0; i < d.answers.size(); ++i) {
      if (i > 0) out += ',';
      append_json_string(out, d.answers[i]);
    }
    out += "]}";
  }
  out += '}';
  return out;
}

// Streamed one result at a time, so that 100,000 results never sit in memory as one JSON tree.
void render_json(std::ostream& out, const fleet_view& fleet, const render_options& options) {
  out << "{\"summary\":" << dump(summary_json(fleet)) << ",\n\"results\":[";
  bool first = true;
  for (std::size_t i = 0; i < fleet.results.size(); ++i) {
    if (!shows(options, fleet.results[i])) continue;
    out << (first ? "\n" : ",\n");
    if (i < options.rendered_rows.size() && !options.rendered_rows[i].empty()) {
      out << options.rendered_rows[i];
    } else {
      out << result_json(fleet.targets[i], fleet.results[i]);
    }
    first = false;
  }
  out << "\n]}\n";
}

void write_ndjson_result(std::ostream& out, const core::target& t, const core::probe_result& r) {
  out << result_json(t, r) << '\n';
}

void write_ndjson_summary(std::ostream& out, const fleet_view& fleet) {
  out << dump(json{{"summary", summary_json(fleet)}}) << '\n';
}

void render_ndjson(std::ostream& out, const fleet_view& fleet, const render_options& options) {
  for (std::size_t i = 0; i < fleet.results.size(); ++i) {
    if (shows(options, fleet.results[i]))
      write_ndjson_result(out, fleet.targets[i], fleet.results[i]);
  }
  write_ndjson_summary(out, fleet);
}

}  // namespace fleetcheck::report
