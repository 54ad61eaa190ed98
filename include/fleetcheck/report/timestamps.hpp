#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace fleetcheck::report {

/// ISO 8601 in UTC to the second: "2026-12-22T03:51:10Z" (certificate expiry times).
std::string iso8601_utc(std::int64_t unix_seconds);

/// ISO 8601 in UTC to the millisecond: "2026-12-22T03:51:10.042Z" (when a run started).
std::string iso8601_utc_ms(std::chrono::system_clock::time_point t);

}  // namespace fleetcheck::report
