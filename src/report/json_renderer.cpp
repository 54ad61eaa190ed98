#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "fleetcheck/report/report.hpp"

namespace fleetcheck::report {
namespace {

using nlohmann::json;

/// Never throws: invalid UTF-8 (a server's bytes quoted in a message) becomes U+FFFD.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string iso8601(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

json summary_json(const fleet_view& fleet) {
  const auto t = count(fleet.results);
  return json{
      {"total", t.total},
      {"healthy", t.healthy},
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
  };
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
    out["cert_expires_at"] = iso8601(*r.cert_expires_at);
    out["tls_resumed"] = r.tls_resumed;
  }
  return out;
}

}  // namespace

// Streamed one result at a time, so that 100,000 results never sit in memory as one JSON tree.
void render_json(std::ostream& out, const fleet_view& fleet) {
  out << "{\"summary\":" << dump(summary_json(fleet)) << ",\n\"results\":[";
  for (std::size_t i = 0; i < fleet.results.size(); ++i) {
    out << (i == 0 ? "\n" : ",\n") << dump(result_json(fleet.targets[i], fleet.results[i]));
  }
  out << "\n]}\n";
}

void write_ndjson_result(std::ostream& out, const core::target& t, const core::probe_result& r) {
  out << dump(result_json(t, r)) << '\n';
}

void write_ndjson_summary(std::ostream& out, const fleet_view& fleet) {
  out << dump(json{{"summary", summary_json(fleet)}}) << '\n';
}

void render_ndjson(std::ostream& out, const fleet_view& fleet) {
  for (std::size_t i = 0; i < fleet.results.size(); ++i) {
    write_ndjson_result(out, fleet.targets[i], fleet.results[i]);
  }
  write_ndjson_summary(out, fleet);
}

}  // namespace fleetcheck::report
