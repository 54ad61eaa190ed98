#include "fleetcheck/report/timestamps.hpp"

#include <ctime>

#include <fmt/format.h>

namespace fleetcheck::report {

std::string iso8601_utc(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string iso8601_utc_ms(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  // floor, not duration_cast: a time before 1970 must not round its seconds up.
  const auto ms = floor<milliseconds>(t.time_since_epoch()).count();
  const auto seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const auto second_text = iso8601_utc(seconds);  // ends in Z: put the milliseconds before it
  return fmt::format("{}.{:03}Z", second_text.substr(0, second_text.size() - 1),
                     ms - seconds * 1000);
}

}  // namespace fleetcheck::report
