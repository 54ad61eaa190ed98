#include "fleetcheck/core/duration.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "fleetcheck/core/config_error.hpp"

namespace fleetcheck::core {
namespace {

struct unit {
  std::string_view suffix;
  double nanoseconds;
};

// Longest suffixes first so that "ms" is not read as "m" followed by garbage.
constexpr unit units[] = {
    {"ns", 1.0}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"ms", 1e6},
    {"s", 1e9},  {"m", 60e9}, {"h", 3600e9},      {"d", 86400e9},
};

}  // namespace

expected<duration> duration_from(std::string_view text) {
  if (text.empty()) return unexpected{"empty duration"};
  const std::string_view original = text;
  double total = 0;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() &&
           ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) {
      ++digits;
    }
    if (digits == 0) {
      return unexpected{fmt::format(
          "invalid duration '{}': expected a number like 200ms, 2s or 1m30s", original)};
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
    if (ec != std::errc{} || end != text.data() + digits) {
      return unexpected{fmt::format("invalid duration '{}': bad number", original)};
    }
    text.remove_prefix(digits);
    const unit* found = nullptr;
    for (const auto& u : units) {
      if (text.starts_with(u.suffix)) {
        found = &u;
        break;
      }
    }
    if (found == nullptr) {
      return unexpected{fmt::format(
          "invalid duration '{}': missing or unknown unit (use ns, us, ms, s, m, h or d)",
          original)};
    }
    text.remove_prefix(found->suffix.size());
    total += value * found->nanoseconds;
  }
  if (!std::isfinite(total) || total > 1e18) {
    return unexpected{fmt::format("invalid duration '{}': too large", original)};
  }
  return duration{static_cast<duration::rep>(std::llround(total))};
}

duration parse_duration(std::string_view text) {
  auto d = duration_from(text);
  if (!d) throw std::invalid_argument(d.error());
  return *d;
}

duration parse_duration_flag(std::string_view flag, std::string_view value) {
  const auto d = duration_from(value);
  if (!d) throw config_error(fmt::format("{} {}: {}", flag, value, d.error()));
  if (d->count() <= 0) throw config_error(fmt::format("{} {}: must be positive", flag, value));
  return *d;
}

std::string format_duration(duration d) {
  using namespace std::chrono;
  const auto ns = d.count();
  if (ns < 0) return "-" + format_duration(-d);
  if (ns < 1'000) return fmt::format("{}ns", ns);
  if (ns < 1'000'000) return fmt::format("{:g}us", static_cast<double>(ns) / 1e3);
  if (ns < 1'000'000'000) return fmt::format("{:g}ms", static_cast<double>(ns) / 1e6);
  if (ns < 60'000'000'000) return fmt::format("{:g}s", static_cast<double>(ns) / 1e9);
  const auto h = duration_cast<hours>(d);
  const auto m = duration_cast<minutes>(d - h);
  const auto s = duration_cast<seconds>(d - h - m);
  std::string out;
  if (h.count() > 0) out += fmt::format("{}h", h.count());
  if (m.count() > 0) out += fmt::format("{}m", m.count());
  if (s.count() > 0 || out.empty()) out += fmt::format("{}s", s.count());
  return out;
}

}  // namespace fleetcheck::core
