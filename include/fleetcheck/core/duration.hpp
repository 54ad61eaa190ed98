#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "fleetcheck/core/expected.hpp"

namespace fleetcheck::core {

using duration = std::chrono::nanoseconds;

/// Parses a Go/Prometheus-style duration: one or more `<number><unit>` groups, e.g. "200ms",
/// "1.5s", "1m30s", "48h". Units: ns, us (µs), ms, s, m, h, d. A bare number has no unit and is
/// rejected, so that "timeout: 2" is never silently read as 2 ns or 2 hours. The error says what
/// is wrong (not where: callers add that).
expected<duration> duration_from(std::string_view text);
/// The same, throwing std::invalid_argument with that message.
duration parse_duration(std::string_view text);

/// Parses the value of a command-line flag that must be a positive duration. Throws
/// core::config_error "--flag value: why", ready for the user.
duration parse_duration_flag(std::string_view flag, std::string_view value);

/// Formats a duration for people: "200ms", "1.5s", "2m3s", "850us".
std::string format_duration(duration d);

/// Seconds as a double, the unit every report uses.
inline double to_seconds(duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace fleetcheck::core
