// The schedule's pure rules with a fake steady clock: spread, rounds, jitter, shards.
#include "fleetcheck/serve/schedule.hpp"

#include <map>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

using namespace fleetcheck;
using namespace std::chrono_literals;
using serve::steady;

namespace {
const steady::time_point t0{std::chrono::hours(1000)};
}

TEST(schedule, first_checks_are_spread_over_the_first_interval) {
  std::set<steady::time_point> seen;
  for (std::size_t i = 0; i < 10; ++i) {
    const auto due = serve::first_due(t0, i, 10, 10s);
    EXPECT_GE(due, t0);
    EXPECT_LT(due, t0 + 10s);
    EXPECT_EQ(due, t0 + std::chrono::seconds(i));
    seen.insert(due);
  }
  EXPECT_EQ(seen.size(), 10u);
  // 100,000 targets at a day's interval: no overflow.
  EXPECT_LT(serve::first_due(t0, 99'999, 100'000, 24h), t0 + 24h);
}

TEST(schedule, rounds_advance_by_the_interval_without_drift) {
  serve::round r{t0, t0};
  for (int i = 1; i <= 5; ++i) {
    // The check took 300 ms each time: the next round is still a whole interval after the base.
    r = serve::next_round(r, r.due + 300ms, 10s, 0, 0.5);
    EXPECT_EQ(r.base, t0 + std::chrono::seconds(10 * i));
    EXPECT_EQ(r.due, r.base);
  }
}

TEST(schedule, jitter_stays_within_its_share_of_the_interval_and_does_not_accumulate) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> unit(0, 1);
  serve::round r{t0, t0};
  bool early = false, late = false;
  for (int i = 1; i <= 1000; ++i) {
    r = serve::next_round(r, r.base + 1ms, 10s, 0.1, unit(random));
    EXPECT_EQ(r.base, t0 + std::chrono::seconds(10 * i));
    EXPECT_GE(r.due, r.base - 1s);
    EXPECT_LE(r.due, r.base + 1s);
    early |= r.due < r.base - 500ms;
    late |= r.due > r.base + 500ms;
  }
  EXPECT_TRUE(early);
  EXPECT_TRUE(late);
  EXPECT_EQ(serve::next_round({t0, t0}, t0, 10s, 0.1, 0).due, t0 + 9s);
  EXPECT_EQ(serve::next_round({t0, t0}, t0, 10s, 0.1, 1).due, t0 + 11s);
}

TEST(schedule, a_target_that_fell_a_round_behind_restarts_from_now) {
  // The check took 25 s of a 10 s interval: no burst of missed rounds, the next one is now.
  const auto now = t0 + 25s;
  const auto r = serve::next_round({t0, t0}, now, 10s, 0, 0.5);
  EXPECT_EQ(r.base, now);
  EXPECT_EQ(r.due, now);
  // Never due in the past, even with jitter pulling it earlier.
  EXPECT_GE(serve::next_round({t0, t0}, t0 + 9500ms, 10s, 0.1, 0).due, t0 + 9500ms);
}

TEST(schedule, intervals_come_from_the_setting_then_the_source_then_30s) {
  core::target t;
  EXPECT_EQ(serve::interval_of(t), 30s);
  t.interval = 1min;
  EXPECT_EQ(serve::interval_of(t), 1min);
  t.settings.health.interval = 5s;
  EXPECT_EQ(serve::interval_of(t), 5s);
}

TEST(shard, fnv1a_is_the_published_function) {
  EXPECT_EQ(serve::fnv1a(""), 14695981039346656037ULL);
  EXPECT_EQ(serve::fnv1a("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(serve::fnv1a("foobar"), 0x85944171f73967e8ULL);
}

TEST(shard, shards_cover_every_target_exactly_once_and_evenly) {
  constexpr std::uint32_t n = 3;
  std::map<std::uint32_t, int> per_shard;
  for (int i = 0; i < 3000; ++i) {
    const auto name = "svc-" + std::to_string(i);
    int owners = 0;
    for (std::uint32_t s = 0; s < n; ++s) {
      if (serve::shard{s, n}.owns(name)) {
        ++owners;
        ++per_shard[s];
      }
    }
    EXPECT_EQ(owners, 1) << name;
  }
  for (const auto& [s, count] : per_shard) EXPECT_NEAR(count, 1000, 150) << s;
}

TEST(shard, parses_i_of_n) {
  const auto s = serve::parse_shard("2/5");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2u);
  EXPECT_EQ(s->count, 5u);
  for (const auto* bad : {"5/5", "1", "/3", "1/0", "a/3", "1/3x", "-1/3", "0/2000"}) {
    EXPECT_FALSE(serve::parse_shard(bad)) << bad;
  }
}
