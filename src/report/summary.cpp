#include <stdexcept>
#include <string>

#include "fleetcheck/report/report.hpp"

namespace fleetcheck::report {

tally count(const engine::run_report& run) {
  tally t;
  t.total = run.results.size();
  for (const auto& r : run.results) {
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

int exit_code(const engine::run_report& run) {
  const auto t = count(run);
  return t.total > 0 && t.healthy == t.total ? 0 : 1;
}

format parse_format(std::string_view name) {
  if (name == "table") return format::table;
  if (name == "json") return format::json;
  if (name == "ndjson") return format::ndjson;
  if (name == "prometheus") return format::prometheus;
  throw std::invalid_argument("unknown format '" + std::string(name) +
                              "': use table, json, ndjson or prometheus");
}

}  // namespace fleetcheck::report
