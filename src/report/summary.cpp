#include <algorithm>
#include <stdexcept>
#include <string>

#include "fleetcheck/report/report.hpp"

namespace fleetcheck::report {

namespace {

tally add(tally t, const core::probe_result& r) {
  ++t.total;
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
  return t;
}

}  // namespace

tally count(std::span<const core::probe_result> results) {
  tally t;
  for (const auto& r : results) t = add(t, r);
  return t;
}

std::vector<std::pair<std::string, tally>> count_by_group(const fleet_view& fleet) {
  std::vector<std::pair<std::string, tally>> groups;
  bool any = false;
  for (std::size_t i = 0; i < fleet.results.size(); ++i) {
    const auto& name = fleet.targets[i].group;
    any |= !name.empty();
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == name; });
    if (it == groups.end()) it = groups.insert(groups.end(), {name, tally{}});
    it->second = add(it->second, fleet.results[i]);
  }
  if (!any) groups.clear();
  return groups;
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
