#pragma once
// Maintenance windows: recurring times (Gatus's `maintenance:` shape) when targets do not alert.
// Pure: every question takes the time as an argument.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/alert/selector.hpp"
#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/expected.hpp"
#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::alert {

/// The UTC offsets of one IANA time zone, read from its TZif file (RFC 8536). Past the file's last
/// transition the last offset holds; Debian's "fat" files list transitions up to 2037.
class time_zone {
 public:
  /// UTC: offset zero at all times.
  time_zone() = default;
  /// The zone in a TZif file's bytes, or why they are not one.
  static core::expected<time_zone> from_tzif(std::string_view bytes);
  /// The zone named `name` ("Europe/Berlin", "UTC") under `zoneinfo`. Names with ".." are refused.
  static core::expected<time_zone> load(
      std::string_view name, const std::filesystem::path& zoneinfo = "/usr/share/zoneinfo");

  /// Local time minus UTC at instant `t`.
  std::chrono::seconds utc_offset(std::chrono::sys_seconds t) const;

 private:
  std::vector<std::int64_t> transitions_;   // Unix seconds, ascending
  std::vector<std::int32_t> offset_after_;  // offset from transitions_[i] on
  std::int32_t offset_before_ = 0;          // before the first transition
};

/// A window that recurs daily, or on some days of the week, in one time zone: from `start` after
/// local midnight for `duration` (at most 24 h; it may run past midnight into the next day).
struct maintenance_window {
  std::chrono::minutes start{0};
  core::duration duration = std::chrono::hours(1);
  std::string timezone = "UTC";  ///< the zone's name, as configured
  std::shared_ptr<const time_zone> zone = std::make_shared<const time_zone>();
  /// Days the window starts on: bit d for weekday d (0 = Sunday ... 6 = Saturday); 0 = every day.
  std::uint8_t days = 0;
  selector applies_to;  ///< the targets it covers; everything by default
  std::string origin;   ///< "file:line", for messages
};

/// Whether `now` is inside one occurrence of the window (start inclusive, end exclusive).
bool is_open(const maintenance_window& window, health::wall_clock::time_point now);

/// Whether a window that covers the target is open at `now`.
bool in_maintenance(std::span<const maintenance_window> windows, std::string_view target,
                    std::string_view group, health::wall_clock::time_point now);

/// "Sunday" ... "Saturday" -> 0 ... 6, in any case; -1 for anything else.
int weekday_from_name(std::string_view name);

}  // namespace fleetcheck::alert
