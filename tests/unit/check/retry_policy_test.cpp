// When to try again, on a fake clock.
#include "fleetcheck/check/retry_policy.hpp"

#include <gtest/gtest.h>

using namespace fleetcheck;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {
const steady::time_point t0{std::chrono::seconds(1000)};
}

TEST(retry_policy, backs_off_50_100_200_ms_while_retries_remain) {
  const auto deadline = t0 + 10s;
  EXPECT_EQ(check::retry_after(1, core::outcome::error, 3, t0, deadline), 50ms);
  EXPECT_EQ(check::retry_after(2, core::outcome::unhealthy, 3, t0, deadline), 100ms);
  EXPECT_EQ(check::retry_after(3, core::outcome::error, 3, t0, deadline), 200ms);
  EXPECT_EQ(check::retry_after(4, core::outcome::error, 3, t0, deadline), std::nullopt);
}

TEST(retry_policy, never_retries_without_retries_or_after_success_or_timeout) {
  const auto deadline = t0 + 10s;
  EXPECT_EQ(check::retry_after(1, core::outcome::error, 0, t0, deadline), std::nullopt);
  EXPECT_EQ(check::retry_after(1, core::outcome::healthy, 5, t0, deadline), std::nullopt);
  EXPECT_EQ(check::retry_after(1, core::outcome::timeout, 5, t0, deadline), std::nullopt);
  EXPECT_EQ(check::retry_after(1, core::outcome::deadline, 5, t0, deadline), std::nullopt);
}

TEST(retry_policy, a_wait_that_would_reach_the_deadline_is_not_taken) {
  EXPECT_EQ(check::retry_after(1, core::outcome::error, 3, t0, t0 + 51ms), 50ms);
  EXPECT_EQ(check::retry_after(1, core::outcome::error, 3, t0, t0 + 50ms), std::nullopt);
  EXPECT_EQ(check::retry_after(2, core::outcome::error, 3, t0 + 1s, t0 + 1s + 99ms), std::nullopt);
}

TEST(retry_policy, backoff_is_capped_at_one_second) {
  EXPECT_EQ(check::retry_after(10, core::outcome::error, 10, t0, t0 + 1h), 1s);
}
