#include <nlohmann/json.hpp>

#include "fleetcheck/report/latency.hpp"
#include "fleetcheck/report/report.hpp"
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

json result_json(const core::target& t, const core::probe_result& r) {
  const bool failed = r.outcome != core::outcome::healthy;
  json out{
      {"name", t.name},
      {"url", t.url},
      {"outcome", core::to_string(r.outcome)},
      {"healthy", !failed},
      {"http_status", r.http_status > 0 ? json(r.http_status) : json(nullptr)},
      {"duration_seconds", r.duration_seconds},
      {"error", r.error.empty() ? json(nullptr) : json(r.error)},
      {"failure", failed ? json(core::to_string(r.failure)) : json(nullptr)},
      {"failed_phase", failed && r.failed_phase != core::probe_phase::done
                           ? json(core::phase_name(r.failed_phase))
                           : json(nullptr)},
      {"attempts", r.attempts},
      {"phases",
       {{"resolve", r.phases.resolve},
        {"connect", r.phases.connect},
        {"tls", r.phases.tls},
        {"first_byte", r.phases.first_byte},
        {"transfer", r.phases.transfer}}},
      {"failed_conditions", r.failed_conditions},
  };
  if (!t.group.empty()) out["group"] = t.group;
  if (r.redirects > 0) out["redirects"] = r.redirects;
  if (r.cert_expires_at) {
    out["cert_expires_at"] = iso8601_utc(*r.cert_expires_at);
    out["tls_resumed"] = r.tls_resumed;
  }
  return out;
}

}  // namespace

// Streamed one result at a time, so that 100,000 results never sit in memory as one JSON tree.
void render_json(std::ostream& out, const fleet_view& fleet, const render_options& options) {
  out << "{\"summary\":" << dump(summary_json(fleet)) << ",\n\"results\":[";
  bool first = true;
  for (std::size_t i = 0; i < fleet.results.size(); ++i) {
    if (!shows(options, fleet.results[i])) continue;
    out << (first ? "\n" : ",\n") << dump(result_json(fleet.targets[i], fleet.results[i]));
    first = false;
  }
  out << "\n]}\n";
}

void write_ndjson_result(std::ostream& out, const core::target& t, const core::probe_result& r) {
  out << dump(result_json(t, r)) << '\n';
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
