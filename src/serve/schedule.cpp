#include "fleetcheck/serve/schedule.hpp"

#include <algorithm>
#include <charconv>

namespace fleetcheck::serve {

core::duration interval_of(const core::target& t) {
  if (t.settings.health.interval) return *t.settings.health.interval;
  if (t.interval) return *t.interval;
  return std::chrono::seconds(30);
}

steady::time_point first_due(steady::time_point start, std::size_t index, std::size_t count,
                             core::duration interval) {
  if (count == 0) return start;
  // In long double: index × interval overflows 64 bits of nanoseconds past ~9 s × 10^9 targets.
  const auto offset = static_cast<long double>(interval.count()) * static_cast<long double>(index) /
                      static_cast<long double>(count);
  return start + std::chrono::duration_cast<steady::duration>(
                     core::duration(static_cast<core::duration::rep>(offset)));
}

round next_round(const round& previous, steady::time_point now, core::duration interval,
                 double jitter, double unit) {
  round next{previous.base + interval, {}};
  if (next.base + interval <= now) next.base = now;  // a whole round behind: do not catch up
  const double shift = (2 * std::clamp(unit, 0.0, 1.0) - 1) * jitter;
  const auto moved = std::chrono::duration_cast<steady::duration>(
      std::chrono::duration<double, std::nano>(shift * static_cast<double>(interval.count())));
  next.due = std::max(next.base + moved, now);
  return next;
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

core::expected<shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  shard s;
  const auto number = [](std::string_view part, std::uint32_t& into) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), into);
    return ec == std::errc{} && end == part.data() + part.size() && !part.empty();
  };
  if (slash == std::string_view::npos || !number(text.substr(0, slash), s.index) ||
      !number(text.substr(slash + 1), s.count) || s.count == 0 || s.count > 1024 ||
      s.index >= s.count) {
    return core::unexpected{
        std::string("expected i/n with 0 <= i < n <= 1024, e.g. 0/3 (the first of three)")};
  }
  return s;
}

}  // namespace fleetcheck::serve
