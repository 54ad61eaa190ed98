#pragma once

#include <chrono>
#include <optional>

#include "fleetcheck/core/probe_result.hpp"

namespace fleetcheck::check {

/// Whether to try again after attempt `attempt` (1-based) ended with `outcome` at `now`, and how
/// long to wait first: 50 ms, 100 ms, 200 ms ... (at most 1 s), only while the wait ends before
/// `deadline`. Healthy answers and timeouts (which used the whole budget) are never retried. Pure,
/// so it is tested with a fake clock.
std::optional<std::chrono::steady_clock::duration> retry_after(
    int attempt, core::outcome outcome, int retries, std::chrono::steady_clock::time_point now,
    std::chrono::steady_clock::time_point deadline);

}  // namespace fleetcheck::check
