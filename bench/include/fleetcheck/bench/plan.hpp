#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "fleetcheck/bench/strategy.hpp"
#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::bench {

/// The suite's time rules.
struct plan_settings {
  core::duration latency = std::chrono::milliseconds(200);  ///< of every mock answer
  core::duration max_run = std::chrono::seconds(30);        ///< a run predicted longer is skipped
  core::duration cell_budget = std::chrono::seconds(60);    ///< slow cells get fewer reps...
  int min_reps = 3;                                         ///< ...but never fewer than this
  int reps = 5;
  std::optional<core::duration> run_timeout;  ///< fixed kill bound; default: from the prediction
};

/// What a strategy did at the largest N measured so far: the base of the next prediction.
struct earlier_result {
  std::size_t n = 0;
  double wall_seconds = 0;  ///< median
  bool completed = true;    ///< at least one run ended ok (exited 0 with a result)
  std::string problem;      ///< when not completed: "overran", "crashed (SIGSEGV)"...
};

/// Whether and how to run one strategy at one N.
struct cell_plan {
  std::string skip;  ///< non-empty: not run, and why (the table shows it; nothing is extrapolated)
  int reps = 0;
  double predicted_seconds = 0;
  std::chrono::nanoseconds limit{0};  ///< the run is killed, and reported as overran, past this
  core::duration client_deadline{0};  ///< the client's own deadline, inside `limit`
};

/// Wall-time floor of `n` checks at `latency` when `concurrency` run at once:
/// latency * ceil(n / concurrency).
double floor_seconds(std::size_t n, std::size_t concurrency, core::duration latency);

/// Plans one cell. The prediction is the floor, plus the time the strategy spent above its floor
/// at the earlier N scaled linearly with N (the part that grows with work, not with waiting).
/// Skips: a prediction over max_run; a strategy that did not complete at a smaller N; a thread
/// pool wider than in_flight_cap.
cell_plan plan_cell(const strategy& s, std::size_t n, const plan_settings& settings,
                    const std::optional<earlier_result>& earlier);

}  // namespace fleetcheck::bench
