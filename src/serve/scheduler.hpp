#pragma once
// Internal: checks every target of a fleet_state again and again, each at its own interval, on
// the loops of a loop_pool.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fleetcheck/engine/loop_pool.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"
#include "serve/fleet_state.hpp"
#include "serve/serve_metrics.hpp"

namespace fleetcheck::serve {

/// The connections a stopped scheduler kept for reuse_connection, on their way to the next one
/// (a reload). Opaque: defined in scheduler.cpp.
struct kept_connections;

struct scheduler_options {
  std::size_t concurrency = 10000;  ///< checks in flight at once over all loops, at most
  std::uint64_t seed = 1;           ///< of the jitter's random draws
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  /// From the previous scheduler's stop_keeping_connections(): a target whose URL and TLS
  /// settings are unchanged, and that lands on the same loop, goes on with its connection; the
  /// others are closed.
  std::shared_ptr<kept_connections> inherited;
};

/// Per loop, a min-heap of (due, target) and a fixed set of worker coroutines: a dispatcher
/// sleeps until the earliest target is due and hands due targets to idle workers; a worker checks
/// one (check_on_loop, bounded by the target's timeout), records the result in the fleet_state
/// and puts the target back in the heap for its next round. A target is in the heap or with one
/// worker, never both, so it is never checked twice at once. Target i goes to loop i % loops.
/// Schedule lag (start − due) goes to metrics.schedule_lag: it grows when every worker is busy
/// (the in-flight cap) or a loop is saturated.
class scheduler {
 public:
  /// Starts at once. `pool`, `tls`, `state` and `metrics` outlive the scheduler.
  scheduler(engine::loop_pool& pool, probe::tls_contexts& tls, fleet_state& state,
            serve_metrics& metrics, scheduler_options options);
  /// stop().
  ~scheduler();
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  /// Cancels every check in flight (their results are dropped) and waits, at most `grace`, for
  /// the workers to end. Idempotent; thread-safe, but not from a loop of the pool.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(1500));

  /// stop(), leaving the kept connections open and handing them over for the next scheduler
  /// (scheduler_options::inherited). Nothing when the workers did not all end within `grace`:
  /// then a check may still hold one, and they close with the scheduler.
  std::shared_ptr<kept_connections> stop_keeping_connections(
      std::chrono::milliseconds grace = std::chrono::milliseconds(1500));

  /// Checks in flight now.
  std::size_t in_flight() const;

 private:
  /// True when every worker ended within `grace` (by this call).
  bool stop(std::chrono::milliseconds grace, bool keep_connections);

  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace fleetcheck::serve
