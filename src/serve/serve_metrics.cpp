#include "serve/serve_metrics.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace fleetcheck::serve {

void histogram::observe(double seconds) {
  const auto at = std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
  buckets_[static_cast<std::size_t>(at)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<std::uint64_t>(std::max(seconds, 0.0) * 1e9),
                       std::memory_order_relaxed);
}

void histogram::write(std::ostream& out, std::string_view name) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out << fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds[i], cumulative);
  }
  cumulative += buckets_[bounds.size()].load(std::memory_order_relaxed);
  // _count equals the +Inf bucket by construction (read once), as the format requires.
  out << fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
  out << fmt::format("{}_sum {}\n", name,
                     static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9);
  out << fmt::format("{}_count {}\n", name, cumulative);
}

}  // namespace fleetcheck::serve
