#include "fleetcheck/check/retry_policy.hpp"

#include <algorithm>

namespace fleetcheck::check {

std::optional<std::chrono::steady_clock::duration> retry_after(
    int attempt, core::outcome outcome, int retries, std::chrono::steady_clock::time_point now,
    std::chrono::steady_clock::time_point deadline) {
  if (attempt > retries) return std::nullopt;
  // A healthy answer is final; a timeout has used the whole budget: nothing left to retry with.
  if (outcome == core::outcome::healthy || outcome == core::outcome::timeout ||
      outcome == core::outcome::deadline) {
    return std::nullopt;
  }
  const std::chrono::steady_clock::duration backoff = std::min<std::chrono::milliseconds>(
      std::chrono::milliseconds(50L << std::min(attempt - 1, 10)), std::chrono::seconds(1));
  if (now + backoff >= deadline) return std::nullopt;
  return backoff;
}

}  // namespace fleetcheck::check
