#include "fleetcheck/report/latency.hpp"

#include <algorithm>
#include <vector>

namespace fleetcheck::report {

double nearest_rank(std::span<const double> ascending, unsigned percent) {
  const std::size_t n = ascending.size();
  // ceil(percent × n / 100) in integers, so p99 of 100 values is exactly rank 99.
  const std::size_t rank = std::clamp<std::size_t>((percent * n + 99) / 100, 1, n);
  return ascending[rank - 1];
}

std::optional<latency_summary> healthy_latency(std::span<const core::probe_result> results) {
  std::vector<double> seconds;
  for (const auto& r : results) {
    if (r.outcome == core::outcome::healthy) seconds.push_back(r.duration_seconds);
  }
  if (seconds.empty()) return std::nullopt;
  std::sort(seconds.begin(), seconds.end());
  return latency_summary{nearest_rank(seconds, 50), nearest_rank(seconds, 90),
                         nearest_rank(seconds, 99), seconds.back()};
}

}  // namespace fleetcheck::report
