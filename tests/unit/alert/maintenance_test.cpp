#include "fleetcheck/alert/maintenance.hpp"

#include <chrono>

#include <gtest/gtest.h>

#include "fleetcheck/alert/silences.hpp"

namespace fleetcheck::alert {
namespace {

using namespace std::chrono_literals;

wall_clock::time_point at(std::string_view rfc3339) {
  return *time_from_rfc3339(rfc3339);
}

maintenance_window window(std::chrono::minutes start, core::duration length,
                          std::uint8_t days = 0) {
  maintenance_window w;
  w.start = start;
  w.duration = length;
  w.days = days;
  return w;
}

TEST(maintenance, a_daily_utc_window_is_open_from_start_inclusive_to_end_exclusive) {
  const auto w = window(23h, 1h);
  EXPECT_FALSE(is_open(w, at("2026-11-23T22:59:59Z")));
  EXPECT_TRUE(is_open(w, at("2026-11-23T23:00:00Z")));
  EXPECT_TRUE(is_open(w, at("2026-11-23T23:59:59Z")));
  EXPECT_FALSE(is_open(w, at("2026-11-24T00:00:00Z")));
}

TEST(maintenance, a_window_runs_past_midnight_on_the_day_it_started) {
  // Mondays 23:00 for 2 h: open Monday 23:00 to Tuesday 01:00, not Tuesday 23:00.
  const auto w = window(23h, 2h, 1u << 1);
  EXPECT_TRUE(is_open(w, at("2026-11-23T23:30:00Z")));  // Monday
  EXPECT_TRUE(is_open(w, at("2026-11-24T00:59:00Z")));  // Tuesday, still Monday's window
  EXPECT_FALSE(is_open(w, at("2026-11-24T01:00:00Z")));
  EXPECT_FALSE(is_open(w, at("2026-11-24T23:30:00Z")));  // Tuesday's does not exist
  EXPECT_FALSE(is_open(w, at("2026-11-23T00:30:00Z")));  // Sunday's does not either
}

TEST(maintenance, follows_the_time_zone_and_its_daylight_saving) {
  auto zone = time_zone::load("Europe/Berlin");
  ASSERT_TRUE(zone) << zone.error();
  auto w = window(2h, 1h);
  w.timezone = "Europe/Berlin";
  w.zone = std::make_shared<const time_zone>(*zone);
  // 02:00 Berlin is 01:00 UTC in winter (CET) and 00:00 UTC in summer (CEST).
  EXPECT_TRUE(is_open(w, at("2026-11-23T01:30:00Z")));
  EXPECT_FALSE(is_open(w, at("2026-11-23T00:30:00Z")));
  EXPECT_TRUE(is_open(w, at("2026-07-01T00:30:00Z")));
  EXPECT_FALSE(is_open(w, at("2026-07-01T01:30:00Z")));
  EXPECT_EQ(zone->utc_offset(std::chrono::floor<std::chrono::seconds>(at("2026-07-01T00:00:00Z"))),
            2h);
}

TEST(maintenance, applies_to_the_targets_it_selects) {
  auto global = window(0min, 24h);
  auto scoped = window(0min, 24h);
  scoped.applies_to = *selector::make({"api-*"}, {"payments"});
  const std::vector scoped_only{scoped};
  const auto now = at("2026-11-23T12:00:00Z");
  EXPECT_TRUE(in_maintenance(scoped_only, "api-eu", "", now));
  EXPECT_TRUE(in_maintenance(scoped_only, "ledger", "payments", now));
  EXPECT_FALSE(in_maintenance(scoped_only, "ledger", "search", now));
  EXPECT_TRUE(in_maintenance(std::vector{global}, "anything", "", now));
}

TEST(time_zone, refuses_what_is_not_a_tzif_file) {
  EXPECT_FALSE(time_zone::from_tzif(""));
  EXPECT_FALSE(time_zone::from_tzif("TZif2 but far too short"));
  EXPECT_FALSE(time_zone::load("Nowhere/Atlantis"));
  EXPECT_TRUE(time_zone::load("UTC"));
}

TEST(weekdays, are_named_in_full_in_any_case) {
  EXPECT_EQ(weekday_from_name("Sunday"), 0);
  EXPECT_EQ(weekday_from_name("SATURDAY"), 6);
  EXPECT_EQ(weekday_from_name("Tue"), -1);
}

}  // namespace
}  // namespace fleetcheck::alert
