#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <vector>

#include "fleetcheck/bench/plan.hpp"
#include "fleetcheck/bench/strategy.hpp"
#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::bench {

/// fleetcheck-bench's options, as parsed.
struct bench_options {
  std::vector<std::size_t> sizes{100, 1000, 10000, 100000};
  std::vector<strategy> strategies = default_strategies();
  plan_settings plan;
  std::size_t services = 100;
  std::uint16_t base_port = 0;                                        ///< 0 = find a free range
  core::duration timeout = std::chrono::seconds(10);                  ///< of each check
  std::chrono::nanoseconds ready_timeout = std::chrono::seconds(10);  ///< for the mock to come up
  std::filesystem::path out_dir;  ///< empty = bench/results/<timestamp>
  std::filesystem::path python = "/usr/bin/python3";
  std::filesystem::path peers_dir;       ///< empty = the source tree's bench/peers
  std::filesystem::path go_peer;         ///< empty = fleetcheck-bench-go-nethttp next to this one
  std::filesystem::path curl;            ///< empty = curl on PATH
  std::filesystem::path mock_program;    ///< empty = fleetcheck-mock next to this executable
  std::filesystem::path client_program;  ///< empty = fleetcheck-bench-client next to it
  bool plots = true;
  int retries = 2;  ///< measure a run disturbed by other processes again, at most this often
  /// What the whole suite may spend waiting for a quiet machine and measuring runs again.
  std::chrono::seconds retry_budget{180};
};

/// Runs the suite: starts the mock fleet, runs every strategy at every N as its own measured
/// process, and writes results.md, results.csv, results.json, the plots and mock.log to the output
/// directory (after every N, so an interrupted run keeps what it measured). Progress and the final
/// table go to `out`, problems to `err`.
///
/// Returns 0 when every run completed with every check healthy, 1 when some run failed, crashed or
/// overran or some check failed (the table says which), 3 when the harness could not run (the mock
/// did not come up, a program is missing, the output directory cannot be written), 130 when
/// interrupted.
int run_bench(const bench_options& options, std::ostream& out, std::ostream& err);

}  // namespace fleetcheck::bench
