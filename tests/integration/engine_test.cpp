// The engine's fan-out: concurrency, the global deadline, and every target getting one result.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/engine/fleet_run.hpp"
#include "mock_fixture.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace {

std::vector<core::target> fleet_targets(const mock::mock_fleet& fleet, std::size_t count,
                                        const std::string& query = "") {
  std::vector<core::target> targets;
  for (std::size_t i = 0; i < count; ++i) {
    targets.push_back(test_support::make_target(fleet.url(i % fleet.ports().size()) + query,
                                                "svc-" + std::to_string(i)));
  }
  return targets;
}

}  // namespace

TEST(engine, deadline_cuts_every_check_and_reports_them_promptly) {
  mock::mock_fleet fleet(test_support::quick_mock(4, 3s));
  fleet.start();
  const auto targets = fleet_targets(fleet, 40);
  engine::run_options o;
  o.deadline = 500ms;
  o.start = std::chrono::steady_clock::now();
  probe::tls_contexts tls;
  auto pool = std::make_unique<engine::loop_pool>(1);
  auto run = std::make_unique<engine::fleet_run>(*pool, targets, tls, o);
  const auto report = run->wait();
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - o.start).count();
  EXPECT_TRUE(report.summary.deadline_exceeded);
  ASSERT_EQ(report.results.size(), 40u);
  for (const auto& r : report.results) {
    EXPECT_EQ(r.outcome, core::outcome::deadline);
    EXPECT_EQ(r.error, "deadline reached while waiting for response");
  }
  EXPECT_GE(waited, 0.5);
  EXPECT_LT(waited, 1.5) << "the report must not wait for the 3 s servers";
  run.reset();  // cancelling in-flight checks must not hang either
  pool.reset();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - o.start).count(), 2.5);
}

TEST(engine, targets_never_started_are_reported_as_deadline) {
  mock::mock_fleet fleet(test_support::quick_mock(1, 300ms));
  fleet.start();
  const auto targets = fleet_targets(fleet, 6);
  engine::run_options o;
  o.deadline = 450ms;
  o.concurrency = 1;  // one at a time: the first finishes, the second is cut, the rest never start
  const auto report = engine::run_fleet(targets, o);
  EXPECT_EQ(report.results[0].outcome, core::outcome::healthy);
  EXPECT_EQ(report.results[1].outcome, core::outcome::deadline);
  EXPECT_EQ(report.results[1].error, "deadline reached while waiting for response");
  for (std::size_t i = 2; i < 6; ++i) {
    EXPECT_EQ(report.results[i].outcome, core::outcome::deadline);
    EXPECT_EQ(report.results[i].error, "deadline reached before the check could start");
  }
}

TEST(engine, timeout_is_not_deadline_when_the_target_limit_binds) {
  mock::mock_fleet fleet(test_support::quick_mock(1, 2s));
  fleet.start();
  core::check_settings d;
  d.timeout = 200ms;
  const std::vector<core::target> targets{test_support::make_target(fleet.url(0), "slow", d)};
  engine::run_options o;
  o.deadline = 3s;
  const auto report = engine::run_fleet(targets, o);
  EXPECT_EQ(report.results[0].outcome, core::outcome::timeout);
  EXPECT_FALSE(report.summary.deadline_exceeded);
}

TEST(engine, checks_many_targets_on_one_port_in_parallel) {
  mock::mock_fleet fleet(test_support::quick_mock(1, 200ms));
  fleet.start();
  const auto targets = fleet_targets(fleet, 200);
  const auto report = engine::run_fleet(targets, {});
  for (const auto& r : report.results) ASSERT_EQ(r.outcome, core::outcome::healthy) << r.error;
  // Sequentially this would take 40 s; in parallel it is about one round-trip.
  EXPECT_LT(report.summary.elapsed_seconds, 3.0);
}

TEST(engine, concurrency_limit_bounds_checks_in_flight) {
  mock::mock_fleet fleet(test_support::quick_mock(1, 100ms));
  fleet.start();
  const auto targets = fleet_targets(fleet, 6);
  engine::run_options o;
  o.concurrency = 2;
  const auto report = engine::run_fleet(targets, o);
  EXPECT_EQ(report.summary.concurrency, 2u);
  for (const auto& r : report.results) ASSERT_EQ(r.outcome, core::outcome::healthy);
  EXPECT_GE(report.summary.elapsed_seconds, 0.3)
      << "6 checks of 100 ms, two at a time, take 3 rounds";
}

TEST(engine, spreads_over_threads_and_keeps_result_order) {
  mock::mock_fleet fleet(test_support::quick_mock(8, 10ms));
  fleet.start();
  auto targets = fleet_targets(fleet, 500);
  std::get<core::http_spec>(targets[123].spec).path = "/health?status=418";
  engine::run_options o;
  const auto report = engine::run_fleet(targets, o, 2);
  EXPECT_EQ(report.summary.threads, 2u);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    EXPECT_EQ(report.results[i].http_status, i == 123 ? 418 : 200) << i;
  }
}
