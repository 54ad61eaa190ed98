#pragma once
// Internal: the two blocking concurrency models of the benchmark.

#include <chrono>
#include <cstddef>
#include <span>
#include <string>

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::bench {

/// How many checks succeeded, and why the first failure failed.
struct tally {
  std::size_t ok = 0;
  std::size_t failed = 0;
  std::string first_error;

  void add(const core::probe_result& r);
  void merge(tally&& other);
};

/// One check after another on the calling thread. Checks not started by `deadline` count as
/// failed.
tally run_sequential(std::span<const core::target> targets,
                     std::chrono::steady_clock::time_point deadline);

/// `workers` threads (at most one per target), each taking the next target from a shared index and
/// checking it with blocking I/O. Throws std::system_error when the threads cannot be started.
tally run_thread_pool(std::span<const core::target> targets, std::size_t workers,
                      std::chrono::steady_clock::time_point deadline);

}  // namespace fleetcheck::bench
