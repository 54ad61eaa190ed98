#include <stdexcept>
#include <string>

#include "fleetcheck/report/report.hpp"

namespace fleetcheck::report {

tally count(std::span<const core::probe_result> results) {
  tally t;
  t.total = results.size();
  for (const auto& r : results) {
    switch (r.outcome) {
      case core::outcome::healthy:
        ++t.healthy;
        break;
      case core::outcome::unhealthy:
        ++t.unhealthy;
        break;
      case core::outcome::error:
        ++t.error;
        break;
      case core::outcome::timeout:
        ++t.timeout;
        break;
      case core::outcome::deadline:
        ++t.deadline;
        break;
    }
  }
  return t;
}

int exit_code(std::span<const core::probe_result> results) {
  const auto t = count(results);
  return t.total > 0 && t.healthy == t.total ? 0 : 1;
}

core::expected<format> parse_format(std::string_view name) {
  if (name == "table") return format::table;
  if (name == "json") return format::json;
  if (name == "ndjson") return format::ndjson;
  if (name == "prometheus") return format::prometheus;
  if (name == "junit") return format::junit;
  return core::unexpected{"unknown format '" + std::string(name) +
                          "': use table, json, ndjson, prometheus or junit"};
}

}  // namespace fleetcheck::report
