#pragma once
// Internal: the daemon's own counters and histograms, kept across reloads (Prometheus counters
// must only go up while the process lives). Lock-free: the loops update them on every check.

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/health/health_state.hpp"
#include "fleetcheck/report/prometheus.hpp"

namespace fleetcheck::serve {

/// A Prometheus histogram with fixed buckets, updated with relaxed atomics.
class histogram {
 public:
  /// Upper bounds in seconds; +Inf is implicit.
  static constexpr std::array<double, 12> bounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                    0.1,   0.25,   0.5,   1,    2.5,   5};
  void observe(double seconds);
  /// `name`'s _bucket, _sum and _count samples (the family's HELP/TYPE are the caller's).
  void write(report::prometheus_writer& out, std::string_view name) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{};  // non-cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_nanos_{0};
};

struct serve_metrics {
  std::array<std::atomic<std::uint64_t>, 5> checks_by_outcome{};  // core::outcome order
  std::array<std::atomic<std::uint64_t>, 4> transitions_to{};     // health::state order
  histogram schedule_lag;    // actual start − planned start of scheduled checks
  histogram check_duration;  // every scheduled check, whatever its outcome
  std::atomic<std::uint64_t> reloads{0}, failed_reloads{0};
  std::atomic<std::uint64_t> api_checks{0}, api_checks_shared{0};
  std::atomic<std::uint64_t> reused_connections{0};  // scheduled checks on a kept connection

  void count_check(core::outcome o) {
    checks_by_outcome[static_cast<std::size_t>(o)].fetch_add(1, std::memory_order_relaxed);
  }
  void count_transition(health::state to) {
    transitions_to[static_cast<std::size_t>(to)].fetch_add(1, std::memory_order_relaxed);
  }
};

}  // namespace fleetcheck::serve
