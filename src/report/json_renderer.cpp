#include <ctime>

#include <nlohmann/json.hpp>

#include "fleetcheck/report/report.hpp"

namespace fleetcheck::report {
namespace {

using nlohmann::json;

json summary_json(const fleet_view& fleet) {
  const auto t = count(fleet.run);
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
      {"elapsed_seconds", fleet.run.elapsed_seconds},
      {"deadline_exceeded", fleet.run.deadline_exceeded},
      {"interrupted", fleet.run.interrupted},
  };
}

std::string iso8601(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

json result_json(const core::target& t, const core::probe_result& r) {
  json out{
      {"name", t.name},
      {"url", t.url},
      {"outcome", core::to_string(r.outcome)},
      {"healthy", r.outcome == core::outcome::healthy},
      {"http_status", r.http_status > 0 ? json(r.http_status) : json(nullptr)},
      {"duration_seconds", r.duration_seconds},
      {"error", r.error.empty() ? json(nullptr) : json(r.error)},
      {"attempts", r.attempts},
      {"phases",
       {{"resolve", r.phases.resolve},
        {"connect", r.phases.connect},
        {"tls", r.phases.tls},
        {"first_byte", r.phases.first_byte},
        {"transfer", r.phases.transfer}}},
      {"failed_conditions", r.failed_conditions},
  };
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
  out << "{\"summary\":" << summary_json(fleet).dump() << ",\n\"results\":[";
  for (std::size_t i = 0; i < fleet.run.results.size(); ++i) {
    out << (i == 0 ? "\n" : ",\n") << result_json(fleet.targets[i], fleet.run.results[i]).dump();
  }
  out << "\n]}\n";
}

void render_ndjson(std::ostream& out, const fleet_view& fleet) {
  for (std::size_t i = 0; i < fleet.run.results.size(); ++i) {
    out << result_json(fleet.targets[i], fleet.run.results[i]).dump() << '\n';
  }
  out << json{{"summary", summary_json(fleet)}}.dump() << '\n';
}

}  // namespace fleetcheck::report
