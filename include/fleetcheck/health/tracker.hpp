#pragma once
// The health state machine of one target: consecutive results against thresholds, as Envoy's
// health checkers count them. Pure: no clock (`now` is an argument), no I/O, not thread-safe.

#include <optional>
#include <string>

#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::health {

/// What one check says about the target's health.
enum class verdict : std::uint8_t {
  pass,      ///< healthy, and no `degraded_when` condition breached
  degraded,  ///< healthy, but a `degraded_when` condition breached (slow, certificate expiring)
  fail,      ///< not healthy (unhealthy, error, timeout)
};

struct thresholds {
  int healthy = 1;    ///< consecutive passing checks that make a target healthy (or degraded) again
  int unhealthy = 1;  ///< consecutive failing checks that make it unhealthy; also degraded ones
                      ///< that make a healthy target degraded (both are a change for the worse)
};

/// The rules, with h = thresholds.healthy and u = thresholds.unhealthy:
/// - the first result sets the state at once (no history to outweigh), as Envoy does;
/// - u consecutive failing checks make any state unhealthy;
/// - from unhealthy, h consecutive passing checks (pass or degraded) make it healthy, or degraded
///   when the last of them was degraded;
/// - from healthy, u consecutive degraded checks make it degraded; from degraded, h consecutive
///   clean passes make it healthy.
class tracker {
 public:
  explicit tracker(thresholds t = {}) : thresholds_(t) {}

  /// Records one check that finished at `now`; `detail` says why it failed (its error), for the
  /// reason of a transition. Returns the transition when the state changed (target and group
  /// left empty for the caller).
  std::optional<transition> record(verdict v, wall_clock::time_point now,
                                   const std::string& detail = {});

  /// Resumes where a previous process left off (after a restart): the streaks start over.
  void restore(state s, wall_clock::time_point since);
  /// New thresholds (a reloaded config); the state and streaks are kept.
  void set_thresholds(thresholds t) { thresholds_ = t; }

  state current() const { return state_; }
  /// When the target entered its current state (the epoch while unknown).
  wall_clock::time_point since() const { return since_; }
  int consecutive_passes() const { return passes_; }
  int consecutive_failures() const { return failures_; }

 private:
  std::optional<transition> move_to(state to, wall_clock::time_point now, std::string reason);

  thresholds thresholds_;
  state state_ = state::unknown;
  wall_clock::time_point since_{};
  int passes_ = 0;    // pass or degraded
  int clean_ = 0;     // pass
  int degraded_ = 0;  // degraded
  int failures_ = 0;  // fail
};

}  // namespace fleetcheck::health
