#include "fleetcheck/report/latency.hpp"

#include <numeric>
#include <sstream>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/report/report.hpp"
#include "sample_fleet.hpp"

using namespace fleetcheck;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(latency, nearest_rank_picks_a_value_that_occurred) {
  std::vector<double> hundred(100);
  std::iota(hundred.begin(), hundred.end(), 1.0);  // 1..100
  EXPECT_EQ(report::nearest_rank(hundred, 50), 50);
  EXPECT_EQ(report::nearest_rank(hundred, 90), 90);
  EXPECT_EQ(report::nearest_rank(hundred, 99), 99);
  EXPECT_EQ(report::nearest_rank(hundred, 100), 100);
  EXPECT_EQ(report::nearest_rank(hundred, 0), 1) << "rank 0 clamps to the first value";

  const std::vector<double> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(report::nearest_rank(ten, 50), 5);
  EXPECT_EQ(report::nearest_rank(ten, 90), 9);
  EXPECT_EQ(report::nearest_rank(ten, 99), 10) << "ceil(9.9) = 10, no interpolation";

  const std::vector<double> three{0.1, 0.2, 0.3};
  EXPECT_EQ(report::nearest_rank(three, 50), 0.2);
  const std::vector<double> one{0.25};
  EXPECT_EQ(report::nearest_rank(one, 1), 0.25);
  EXPECT_EQ(report::nearest_rank(one, 99), 0.25);
}

TEST(latency, counts_healthy_checks_only) {
  auto s = testkit::every_field();  // healthy: 0.2051 and 0.207; the timeout's 1.0 is left out
  const auto l = report::healthy_latency(s.results);
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->p50, 0.2051);
  EXPECT_EQ(l->p90, 0.207);
  EXPECT_EQ(l->p99, 0.207);
  EXPECT_EQ(l->max, 0.207);
  for (auto& r : s.results) r.outcome = core::outcome::timeout;
  EXPECT_FALSE(report::healthy_latency(s.results).has_value());
  EXPECT_FALSE(report::healthy_latency({}).has_value());
}

TEST(latency, is_in_the_json_summary_or_null) {
  auto s = testkit::every_field();
  std::ostringstream out;
  report::render_json(out, s.view());
  const auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["summary"]["latency_seconds"],
            (nlohmann::json{{"p50", 0.2051}, {"p90", 0.207}, {"p99", 0.207}, {"max", 0.207}}));
  for (auto& r : s.results) r.outcome = core::outcome::error;
  std::ostringstream none;
  report::write_ndjson_summary(none, s.view());
  EXPECT_TRUE(nlohmann::json::parse(none.str())["summary"]["latency_seconds"].is_null());
}

TEST(latency, is_a_prometheus_summary_by_quantile) {
  auto s = testkit::every_field();
  std::ostringstream out;
  report::render_prometheus(out, s.view());
  const auto text = out.str();
  EXPECT_THAT(text, HasSubstr("# TYPE fleetcheck_run_latency_seconds summary\n"
                              "fleetcheck_run_latency_seconds{quantile=\"0.5\"} 0.2051\n"
                              "fleetcheck_run_latency_seconds{quantile=\"0.9\"} 0.207\n"
                              "fleetcheck_run_latency_seconds{quantile=\"0.99\"} 0.207\n"
                              "fleetcheck_run_latency_seconds{quantile=\"1\"} 0.207\n"
                              "fleetcheck_run_latency_seconds_sum 0.4121\n"
                              "fleetcheck_run_latency_seconds_count 2\n"));
  for (auto& r : s.results) r.outcome = core::outcome::error;
  std::ostringstream none;
  report::render_prometheus(none, s.view());
  EXPECT_THAT(none.str(), HasSubstr("# TYPE fleetcheck_run_latency_seconds summary\n"
                                    "fleetcheck_run_latency_seconds_sum 0\n"
                                    "fleetcheck_run_latency_seconds_count 0\n"));
  EXPECT_THAT(none.str(), Not(HasSubstr("fleetcheck_run_latency_seconds{")));
}
