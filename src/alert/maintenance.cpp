#include "fleetcheck/alert/maintenance.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace fleetcheck::alert {

namespace {

/// Reads big-endian integers out of a TZif file, refusing to run past its end.
class tzif_cursor {
 public:
  explicit tzif_cursor(std::string_view bytes) : bytes_(bytes) {}
  bool has(std::size_t n) const { return bytes_.size() - at_ >= n; }
  std::int64_t signed_be(std::size_t width) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value = (value << 8) | static_cast<unsigned char>(bytes_[at_ + i]);
    }
    at_ += width;
    // Sign-extend a 4-byte value.
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
    return static_cast<std::int64_t>(value);
  }
  std::uint8_t byte() { return static_cast<std::uint8_t>(bytes_[at_++]); }
  void skip(std::size_t n) { at_ += n; }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

struct tzif_counts {
  std::size_t isut, isstd, leap, time, type, chars;
};

}  // namespace

core::expected<time_zone> time_zone::from_tzif(std::string_view bytes) {
  constexpr std::string_view not_tzif = "not a TZif time zone file";
  tzif_cursor in(bytes);
  auto read_header = [&](tzif_counts& c, char& version) -> bool {
    if (!in.has(44) || bytes.substr(0, 4) != "TZif") return false;
    in.skip(4);
    version = static_cast<char>(in.byte());
    in.skip(15);
    std::array<std::size_t, 6> n{};
    for (auto& v : n) v = static_cast<std::size_t>(static_cast<std::uint32_t>(in.signed_be(4)));
    c = {n[0], n[1], n[2], n[3], n[4], n[5]};
    return c.type > 0 && c.type <= 256 && c.time <= 100'000;
  };
  tzif_counts c{};
  char version = 0;
  if (!read_header(c, version)) return core::unexpected{std::string(not_tzif)};
  std::size_t time_width = 4;
  std::size_t leap_width = 8;
  if (version >= '2') {
    // Skip the 32-bit block: the 64-bit one after the second header is complete.
    const auto v1 = c.time * 5 + c.type * 6 + c.chars + c.leap * 8 + c.isstd + c.isut;
    if (!in.has(v1)) return core::unexpected{std::string(not_tzif)};
    in.skip(v1);
    bytes = bytes.substr(44 + v1);
    in = tzif_cursor(bytes);
    if (!read_header(c, version)) return core::unexpected{std::string(not_tzif)};
    time_width = 8;
    leap_width = 12;
  }
  if (!in.has(c.time * (time_width + 1) + c.type * 6 + c.chars + c.leap * leap_width)) {
    return core::unexpected{std::string(not_tzif) + " (truncated)"};
  }
  time_zone zone;
  zone.transitions_.reserve(c.time);
  for (std::size_t i = 0; i < c.time; ++i) zone.transitions_.push_back(in.signed_be(time_width));
  std::vector<std::uint8_t> type_of(c.time);
  for (auto& t : type_of) t = in.byte();
  std::vector<std::int32_t> offsets(c.type);
  for (auto& offset : offsets) {
    offset = static_cast<std::int32_t>(in.signed_be(4));
    in.skip(2);  // isdst, abbreviation index
  }
  if (!std::is_sorted(zone.transitions_.begin(), zone.transitions_.end())) {
    return core::unexpected{std::string(not_tzif) + " (transitions out of order)"};
  }
  for (const auto t : type_of) {
    if (t >= offsets.size()) return core::unexpected{std::string(not_tzif) + " (bad type index)"};
    zone.offset_after_.push_back(offsets[t]);
  }
  zone.offset_before_ = offsets[0];  // RFC 8536: type 0 applies before the first transition
  return zone;
}

core::expected<time_zone> time_zone::load(std::string_view name,
                                          const std::filesystem::path& zoneinfo) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return core::unexpected{fmt::format("unknown time zone '{}'", name)};
  }
  if (name == "UTC" || name == "Etc/UTC") return time_zone{};
  std::ifstream file(zoneinfo / std::string(name), std::ios::binary);
  if (!file) {
    return core::unexpected{
        fmt::format("unknown time zone '{}' (no {}; use an IANA name like Europe/Berlin)", name,
                    (zoneinfo / std::string(name)).string())};
  }
  const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  auto zone = from_tzif(bytes);
  if (!zone) return core::unexpected{fmt::format("time zone '{}': {}", name, zone.error())};
  return zone;
}

std::chrono::seconds time_zone::utc_offset(std::chrono::sys_seconds t) const {
  const auto unix = t.time_since_epoch().count();
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), unix);
  if (after == transitions_.begin()) return std::chrono::seconds(offset_before_);
  return std::chrono::seconds(
      offset_after_[static_cast<std::size_t>(std::distance(transitions_.begin(), after) - 1)]);
}

bool is_open(const maintenance_window& window, health::wall_clock::time_point now) {
  using namespace std::chrono;
  const auto utc = floor<seconds>(now);
  // Local wall time as if it were UTC: days and weekdays then come out of sys_days arithmetic.
  const auto local = utc + window.zone->utc_offset(utc);
  const auto today = floor<days>(local);
  // The occurrence that started today, or yesterday's running past midnight.
  for (const auto day : {today, today - days(1)}) {
    const auto weekday_index = weekday(day).c_encoding();
    if (window.days != 0 && (window.days & (1u << weekday_index)) == 0) continue;
    const auto opens = day + window.start;
    if (local >= opens && local < opens + window.duration) return true;
  }
  return false;
}

bool in_maintenance(std::span<const maintenance_window> windows, std::string_view target,
                    std::string_view group, health::wall_clock::time_point now) {
  return std::any_of(windows.begin(), windows.end(), [&](const maintenance_window& w) {
    return w.applies_to.selects(target, group) && is_open(w, now);
  });
}

int weekday_from_name(std::string_view name) {
  static constexpr std::array<std::string_view, 7> names = {
      "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  std::string lower(name);
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == lower) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace fleetcheck::alert
