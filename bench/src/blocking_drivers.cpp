#include "blocking_drivers.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "blocking_check.hpp"

namespace fleetcheck::bench {

void tally::add(const core::probe_result& r) {
  if (r.outcome == core::outcome::healthy) {
    ++ok;
    return;
  }
  ++failed;
  if (first_error.empty()) first_error = r.error.empty() ? "unhealthy" : r.error;
}

void tally::merge(tally&& other) {
  ok += other.ok;
  failed += other.failed;
  if (first_error.empty()) first_error = std::move(other.first_error);
}

namespace {

/// Drains the shared index until every target is taken or the deadline passes.
tally drain(std::span<const core::target> targets, std::atomic<std::size_t>& next,
            std::chrono::steady_clock::time_point deadline) {
  tally t;
  for (;;) {
    const auto i = next.fetch_add(1, std::memory_order_relaxed);
    if (i >= targets.size()) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ++t.failed;
      if (t.first_error.empty()) t.first_error = "deadline reached before the check could start";
      continue;
    }
    t.add(run_blocking_check(targets[i]));
  }
  return t;
}

}  // namespace

tally run_sequential(std::span<const core::target> targets,
                     std::chrono::steady_clock::time_point deadline) {
  std::atomic<std::size_t> next{0};
  return drain(targets, next, deadline);
}

tally run_thread_pool(std::span<const core::target> targets, std::size_t workers,
                      std::chrono::steady_clock::time_point deadline) {
  workers = std::clamp<std::size_t>(workers, 1, std::max<std::size_t>(targets.size(), 1));
  std::atomic<std::size_t> next{0};
  std::vector<tally> tallies(workers);
  std::vector<std::thread> threads;
  threads.reserve(workers);
  try {
    for (std::size_t w = 0; w < workers; ++w) {
      threads.emplace_back([&, w] { tallies[w] = drain(targets, next, deadline); });
    }
  } catch (...) {
    // Let the threads already running finish the work, then report that the pool could not be
    // built: a half-sized pool would measure something else.
    for (auto& thread : threads) thread.join();
    throw;
  }
  tally total;
  for (std::size_t w = 0; w < workers; ++w) {
    threads[w].join();
    total.merge(std::move(tallies[w]));
  }
  return total;
}

}  // namespace fleetcheck::bench
