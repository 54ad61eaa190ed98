#include "serve/page/uptime.hpp"

#include <algorithm>

namespace fleetcheck::serve::page {

std::optional<double> uptime(const std::vector<health::transition>& in_window,
                             health::state current, health::wall_clock::time_point from,
                             health::wall_clock::time_point now) {
  using health::state;
  // The state at `from` is what the first transition left; with none, the current one held.
  auto held = in_window.empty() ? current : in_window.front().from;
  auto start = from;
  health::wall_clock::duration up{}, down{};
  const auto close = [&](health::wall_clock::time_point end) {
    const auto span = std::max(end - start, health::wall_clock::duration::zero());
    if (held == state::healthy || held == state::degraded) up += span;
    if (held == state::unhealthy) down += span;
  };
  for (const auto& t : in_window) {
    if (t.at < from) {  // before the window: only sets the state it starts in
      held = t.to;
      continue;
    }
    const auto at = std::min(t.at, now);
    close(at);
    held = t.to;
    start = at;
  }
  close(now);
  const auto known = up + down;
  if (known <= health::wall_clock::duration::zero()) return std::nullopt;
  return static_cast<double>(up.count()) / static_cast<double>(known.count());
}

}  // namespace fleetcheck::serve::page
