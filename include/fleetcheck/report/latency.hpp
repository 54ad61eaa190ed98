#pragma once

#include <optional>
#include <span>

#include "fleetcheck/core/probe_result.hpp"

namespace fleetcheck::report {

/// The nearest-rank `percent`-th percentile of `ascending` (sorted, not empty): the value at rank
/// ceil(percent / 100 × n), 1-based, so always one of the values (never interpolated), and the
/// 100th is the maximum. Nearest-rank because a report shows durations that really happened.
double nearest_rank(std::span<const double> ascending, unsigned percent);

/// How long the healthy checks took, in seconds. Only healthy ones: a timeout's duration is the
/// timeout, and an error's is how fast it failed, neither the service's latency.
struct latency_summary {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

/// The healthy checks' latency distribution, or nothing when no check was healthy.
std::optional<latency_summary> healthy_latency(std::span<const core::probe_result> results);

}  // namespace fleetcheck::report
