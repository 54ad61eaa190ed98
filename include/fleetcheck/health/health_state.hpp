#pragma once
// The health of one target as `serve` tracks it over many checks, and the record of its changes.
// Plain values: the state machine that moves between them lives in health/tracker.hpp.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace fleetcheck::health {

/// A target's state over time (not one check's outcome).
enum class state : std::uint8_t {
  unknown,    ///< no result yet
  healthy,    ///< enough consecutive passing checks
  degraded,   ///< checks pass but breach a `degraded_when` condition (slow, certificate expiring)
  unhealthy,  ///< enough consecutive failing checks
};

/// "unknown", "healthy", "degraded", "unhealthy": the stable name, for JSON, metrics and SQL.
std::string_view to_string(state s);
/// The inverse of to_string; `unknown` for anything else.
state state_from_string(std::string_view name);

using wall_clock = std::chrono::system_clock;

/// One change of a target's state, with the check result that caused it.
struct transition {
  std::string target;  ///< the target's name
  std::string group;
  state from = state::unknown;
  state to = state::unknown;
  wall_clock::time_point at;
  std::string reason;  ///< one line: the check's error, or "2 consecutive healthy checks"
};

}  // namespace fleetcheck::health
