#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::engine {

struct run_options {
  core::duration deadline = std::chrono::seconds(5);  ///< for the whole run, from `start`
  std::size_t concurrency = 10000;                    ///< checks in flight at once, at most
  unsigned threads = 0;                               ///< event-loop threads; 0 = automatic
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

/// Every target's result, in the order the targets were given.
struct run_report {
  std::vector<core::probe_result> results;
  double elapsed_seconds = 0;
  bool deadline_exceeded = false;
  bool interrupted = false;     ///< cancel() ended the run
  unsigned threads = 0;         ///< event-loop threads used
  std::size_t concurrency = 0;  ///< checks in flight at once, at most, as used
};

/// Checks a fleet concurrently: a fixed set of worker coroutines per event-loop thread (one
/// io_context each, sharing nothing but the queue index) drains the targets.
///
/// wait() returns as soon as every check is done, or at the global deadline, whichever is first:
/// at the deadline every unfinished check is reported as `deadline` with the step it was in, and
/// the report is handed back at once; tearing down what was still in flight happens in the
/// destructor, after the caller has printed the report.
class fleet_run {
 public:
  /// Prepares the run (TLS contexts: throws core::config_error naming the target when a CA,
  /// certificate or key cannot be loaded) and starts it.
  fleet_run(std::span<const core::target> targets, run_options options);
  ~fleet_run();
  fleet_run(const fleet_run&) = delete;
  fleet_run& operator=(const fleet_run&) = delete;

  run_report wait();

  /// Ends the run now, as if the deadline had passed (thread-safe; from any thread): wait() returns
  /// at once and every unfinished check is reported as `deadline`, "interrupted while ...".
  void cancel();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Convenience: run and wait.
run_report run_fleet(std::span<const core::target> targets, const run_options& options);

/// Threads `fleet_run` picks for `targets` checks when asked for "automatic".
unsigned automatic_threads(std::size_t targets);

}  // namespace fleetcheck::engine
