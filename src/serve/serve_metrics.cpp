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

void histogram::write(report::prometheus_writer& out, std::string_view name) const {
  const auto bucket = fmt::format("{}_bucket", name);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out.sample(bucket, report::prometheus_writer::label("le", fmt::format("{}", bounds[i])),
               static_cast<double>(cumulative));
  }
  cumulative += buckets_[bounds.size()].load(std::memory_order_relaxed);
  // _count equals the +Inf bucket by construction (read once), as the format requires.
  out.sample(bucket, report::prometheus_writer::label("le", "+Inf"),
             static_cast<double>(cumulative));
  out.sample(fmt::format("{}_sum", name), "",
             static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9);
  out.sample(fmt::format("{}_count", name), "", static_cast<double>(cumulative));
}

}  // namespace fleetcheck::serve
