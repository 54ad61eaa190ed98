// The health state machine with a fake clock: thresholds, degraded, transitions.
#include "fleetcheck/health/tracker.hpp"

#include <gtest/gtest.h>

using namespace fleetcheck;
using health::state;
using health::verdict;

namespace {

/// A fake wall clock: each check one second after the last.
struct fake_clock {
  health::wall_clock::time_point now{std::chrono::seconds(1'700'000'000)};
  health::wall_clock::time_point tick() { return now += std::chrono::seconds(1); }
};

}  // namespace

TEST(health_state, names_round_trip) {
  for (const auto s : {state::unknown, state::healthy, state::degraded, state::unhealthy}) {
    EXPECT_EQ(health::state_from_string(health::to_string(s)), s);
  }
  EXPECT_EQ(health::state_from_string("sick"), state::unknown);
}

TEST(tracker, first_result_sets_the_state_at_once_whatever_the_thresholds) {
  fake_clock clock;
  health::tracker failing({3, 3});
  const auto t = failing.record(verdict::fail, clock.tick(), "connection refused");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->from, state::unknown);
  EXPECT_EQ(t->to, state::unhealthy);
  EXPECT_EQ(t->at, clock.now);
  EXPECT_EQ(t->reason, "first check failed: connection refused");

  health::tracker passing({3, 3});
  ASSERT_TRUE(passing.record(verdict::pass, clock.tick()));
  EXPECT_EQ(passing.current(), state::healthy);
  EXPECT_EQ(passing.since(), clock.now);
}

TEST(tracker, needs_unhealthy_threshold_consecutive_failures) {
  fake_clock clock;
  health::tracker t({2, 3});
  t.record(verdict::pass, clock.tick());
  EXPECT_FALSE(t.record(verdict::fail, clock.tick(), "timeout"));
  EXPECT_FALSE(t.record(verdict::fail, clock.tick(), "timeout"));
  EXPECT_FALSE(t.record(verdict::pass, clock.tick()));  // the streak starts over
  EXPECT_FALSE(t.record(verdict::fail, clock.tick(), "timeout"));
  EXPECT_FALSE(t.record(verdict::fail, clock.tick(), "timeout"));
  const auto changed = t.record(verdict::fail, clock.tick(), "timeout");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->to, state::unhealthy);
  EXPECT_EQ(changed->reason, "3 consecutive failed checks: timeout");
  EXPECT_EQ(t.since(), clock.now);
}

TEST(tracker, needs_healthy_threshold_consecutive_passes_to_recover) {
  fake_clock clock;
  health::tracker t({2, 1});
  t.record(verdict::fail, clock.tick(), "refused");
  EXPECT_FALSE(t.record(verdict::pass, clock.tick()));
  EXPECT_FALSE(t.record(verdict::fail, clock.tick(), "refused"));  // already unhealthy
  EXPECT_FALSE(t.record(verdict::pass, clock.tick()));
  const auto changed = t.record(verdict::pass, clock.tick());
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->from, state::unhealthy);
  EXPECT_EQ(changed->to, state::healthy);
  EXPECT_EQ(changed->reason, "2 consecutive passing checks");
}

TEST(tracker, degraded_checks_move_healthy_to_degraded_and_clean_ones_back) {
  fake_clock clock;
  health::tracker t({2, 2});
  t.record(verdict::pass, clock.tick());
  EXPECT_FALSE(t.record(verdict::degraded, clock.tick(), "[RESPONSE_TIME] (812) < 500"));
  const auto worse = t.record(verdict::degraded, clock.tick(), "[RESPONSE_TIME] (790) < 500");
  ASSERT_TRUE(worse);
  EXPECT_EQ(worse->to, state::degraded);
  EXPECT_EQ(worse->reason, "2 consecutive degraded checks: [RESPONSE_TIME] (790) < 500");
  EXPECT_FALSE(t.record(verdict::pass, clock.tick()));
  const auto better = t.record(verdict::pass, clock.tick());
  ASSERT_TRUE(better);
  EXPECT_EQ(better->from, state::degraded);
  EXPECT_EQ(better->to, state::healthy);
}

TEST(tracker, recovery_through_degraded_checks_lands_in_degraded) {
  fake_clock clock;
  health::tracker t({2, 1});
  t.record(verdict::fail, clock.tick(), "503");
  t.record(verdict::pass, clock.tick());
  const auto changed = t.record(verdict::degraded, clock.tick(), "slow");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->to, state::degraded);
  // A degraded target that fails goes unhealthy after the unhealthy threshold (1 here).
  const auto failed = t.record(verdict::fail, clock.tick(), "503");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->from, state::degraded);
  EXPECT_EQ(failed->to, state::unhealthy);
}

TEST(tracker, restored_state_is_kept_until_the_thresholds_say_otherwise) {
  fake_clock clock;
  health::tracker t({3, 3});
  const auto since = clock.tick();
  t.restore(state::unhealthy, since);
  EXPECT_FALSE(t.record(verdict::pass, clock.tick()));  // not a first result: thresholds apply
  EXPECT_EQ(t.current(), state::unhealthy);
  EXPECT_EQ(t.since(), since);
}
