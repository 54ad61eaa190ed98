#include "serve/page/page_model.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "fleetcheck/core/config_error.hpp"
#include "serve/page/uptime.hpp"

namespace fleetcheck::serve::page {
namespace {

constexpr std::size_t sparkline_points = 30;

int failing_first(health::state s) {
  switch (s) {
    case health::state::unhealthy:
      return 0;
    case health::state::degraded:
      return 1;
    case health::state::unknown:
      return 2;
    case health::state::healthy:
      return 3;
  }
  return 3;
}

void read_history(history_store& store, row& r, health::wall_clock::time_point now) {
  const auto& name = r.target->name;
  // Transitions are few (one per change of state), so a week of them is a cheap read.
  const auto week = now - std::chrono::hours(24 * 7);
  const auto day = now - std::chrono::hours(24);
  const auto changes = store.transitions(name, week, 10000);
  r.uptime_7d = uptime(changes, r.status.state, week, now);
  r.uptime_24h = uptime(changes, r.status.state, day, now);
  // The last few checks: results are read oldest first from `since`, so ask for a window of
  // about that many intervals.
  const auto interval = interval_of(*r.target);
  const auto since = now - interval * static_cast<long>(sparkline_points + 2);
  for (const auto& rec : store.results(name, since, sparkline_points * 4)) {
    r.latency_ms.push_back(rec.result.duration_seconds * 1000.0);
  }
  if (r.latency_ms.size() > sparkline_points) {
    r.latency_ms.erase(r.latency_ms.begin(),
                       r.latency_ms.end() - static_cast<long>(sparkline_points));
  }
}

}  // namespace

health::state worst(const state_counts& c) {
  if (c.unhealthy > 0) return health::state::unhealthy;
  if (c.degraded > 0) return health::state::degraded;
  if (c.healthy > 0) return health::state::healthy;
  return health::state::unknown;
}

page_view build_page(daemon& d, page_query query) {
  if (!query.state.empty() && query.state != "unknown" &&
      health::state_from_string(query.state) == health::state::unknown) {
    throw core::config_error(
        fmt::format("state={}: must be healthy, degraded, unhealthy or unknown", query.state));
  }
  page_view view;
  view.config = d.current();
  const auto targets = view.config->fleet->targets();
  auto all = view.config->fleet->snapshot();
  const name_filter by_name(query.q);

  std::map<std::string, state_counts> groups;
  std::vector<std::size_t> matching;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& t = targets[i];
    const auto s = all[i].state;
    view.counts.add(s);
    groups[t.group].add(s);
    if (!query.group.empty() && t.group != query.group) continue;
    if (!query.state.empty() && health::to_string(s) != query.state) continue;
    if (!by_name.matches(t.name)) continue;
    matching.push_back(i);
  }
  view.groups_total = groups.size();
  for (auto& [name, counts] : groups) view.groups.push_back({name, counts, worst(counts)});
  std::stable_sort(view.groups.begin(), view.groups.end(), [](const auto& a, const auto& b) {
    return failing_first(a.state) < failing_first(b.state);
  });
  if (view.groups.size() > max_groups) {
    const auto chosen = std::find_if(view.groups.begin() + max_groups, view.groups.end(),
                                     [&](const auto& g) { return g.name == query.group; });
    if (chosen != view.groups.end()) std::iter_swap(view.groups.begin() + max_groups, chosen);
    view.groups.resize(max_groups + (chosen != view.groups.end() ? 1 : 0));
  }

  std::stable_sort(matching.begin(), matching.end(), [&](std::size_t a, std::size_t b) {
    return failing_first(all[a].state) < failing_first(all[b].state);
  });
  view.matching = matching.size();
  query.per_page = std::clamp<std::size_t>(query.per_page, 1, 500);
  view.pages = std::max<std::size_t>(1, (matching.size() + query.per_page - 1) / query.per_page);
  query.page = std::min(query.page, view.pages - 1);
  view.query = query;

  auto* store = d.store();
  const auto now = health::wall_clock::now();
  const auto first = query.page * query.per_page;
  const auto last = std::min(matching.size(), first + query.per_page);
  for (std::size_t k = first; k < last; ++k) {
    row r;
    r.target = &targets[matching[k]];
    r.status = std::move(all[matching[k]]);
    r.alerts = d.held(*r.target);
    if (store != nullptr) read_history(*store, r, now);
    view.rows.push_back(std::move(r));
  }
  return view;
}

}  // namespace fleetcheck::serve::page
