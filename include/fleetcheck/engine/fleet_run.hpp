#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/run_summary.hpp"
#include "fleetcheck/core/target.hpp"
#include "fleetcheck/engine/loop_pool.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"

namespace fleetcheck::engine {

struct run_options {
  core::duration deadline = std::chrono::seconds(5);  ///< for the whole run, from `start`
  std::size_t concurrency = 10000;                    ///< checks in flight at once, at most
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  /// Called once per check as it finishes, from the loop that ran it, one call at a time (calls
  /// are serialized), never after wait() has returned. For streaming output.
  std::function<void(std::size_t index, const core::probe_result& result)> on_result;
  /// Where host names are resolved, for the pool run_fleet() builds ("ip[:port],..."; empty:
  /// /etc/resolv.conf). A fleet_run on a given pool uses that pool's.
  std::string dns_servers;
};

/// Every target's result, in the order the targets were given.
struct run_report {
  std::vector<core::probe_result> results;
  core::run_summary summary;
};

/// Checks a fleet once, concurrently, on a loop_pool: a fixed set of worker coroutines per loop
/// drains the targets (bounded fan-out, not one coroutine per target), each check bounded by
/// min(its timeout, the run's deadline).
///
/// wait() returns as soon as every check is done, or at the global deadline, whichever is first:
/// at the deadline every unfinished check is reported as `deadline` with the step it was in, and
/// the report is handed back at once. The destructor cancels what is still in flight and waits
/// for it to unwind (every operation honours cancellation), unless the pool has been stopped.
class fleet_run {
 public:
  /// Starts the run. `targets`, `tls` and `pool` must outlive it; `tls` has the contexts the
  /// targets need (built in the control plane).
  fleet_run(loop_pool& pool, std::span<const core::target> targets, probe::tls_contexts& tls,
            run_options options);
  ~fleet_run();
  fleet_run(const fleet_run&) = delete;
  fleet_run& operator=(const fleet_run&) = delete;

  run_report wait();

  /// Waits until the run is over (every check done, the deadline, or cancel()) or until `until`,
  /// whichever is first; true when the run is over. For callers that show progress meanwhile.
  bool wait_until(std::chrono::steady_clock::time_point until);

  /// Checks finished so far, and how many of them were not healthy. Thread-safe.
  struct progress_counts {
    std::size_t finished = 0, failed = 0, total = 0;
  };
  progress_counts progress() const;

  /// Ends the run now, as if the deadline had passed (thread-safe; from any thread): wait() returns
  /// at once and every unfinished check is reported as `deadline`, "interrupted while ...".
  void cancel();

 private:
  struct state;
  std::shared_ptr<state> state_;
  loop_pool& pool_;
};

/// Convenience for tests and tools: a pool sized by automatic_threads(), the TLS contexts the
/// targets need (throws core::config_error), one run, its report.
run_report run_fleet(std::span<const core::target> targets, const run_options& options,
                     unsigned threads = 0);

/// Threads to use for `targets` checks when asked for "automatic".
unsigned automatic_threads(std::size_t targets);

}  // namespace fleetcheck::engine
