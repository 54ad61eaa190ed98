#pragma once
// Internal: a target's uptime over a window, from its state transitions. Pure, so that it is
// tested with values; the page reads the transitions from the history store.

#include <optional>
#include <vector>

#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::serve::page {

/// The share (0..1) of [from, now] the target was up (healthy or degraded) among the time its
/// state was known: time in `unknown` (not checked yet, before it existed) counts neither way.
/// `in_window` are its transitions, oldest first, from before `from` or later (those before
/// only set the state the window starts in); `current` is its state now. nullopt when its state was
/// never known in the window.
std::optional<double> uptime(const std::vector<health::transition>& in_window,
                             health::state current, health::wall_clock::time_point from,
                             health::wall_clock::time_point now);

}  // namespace fleetcheck::serve::page
