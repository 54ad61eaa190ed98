// Outcome classification for each way a server can answer or misbehave, over real loopback sockets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/engine/fleet_run.hpp"
#include "mock_fixture.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace {

class probe_outcomes : public ::testing::Test {
 protected:
  void SetUp() override { fleet_.start(); }

  std::string url(const std::string& query = "") const {
    return fleet_.url(0) + (query.empty() ? "" : "?" + query);
  }

  core::probe_result check(const std::string& target_url, core::check_settings d = {}) {
    if (d.timeout == 2s) d.timeout = 800ms;
    const std::vector<core::target> targets{test_support::make_target(target_url, "t", d)};
    engine::run_options o;
    o.deadline = 5s;
    auto report = engine::run_fleet(targets, o);
    return report.results.at(0);
  }

  mock::mock_fleet fleet_{test_support::quick_mock()};
};

}  // namespace

TEST_F(probe_outcomes, healthy_when_status_is_2xx) {
  const auto r = check(url());
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.attempts, 1);
  EXPECT_GT(r.duration_seconds, 0.015);  // the mock's 20 ms latency is in there
  EXPECT_GT(r.phases.first_byte, 0.015);
}

TEST_F(probe_outcomes, unhealthy_when_status_is_not_expected) {
  const auto r = check(url("status=503"));
  EXPECT_EQ(r.outcome, core::outcome::unhealthy);
  EXPECT_EQ(r.http_status, 503);
  EXPECT_EQ(r.error, "HTTP 503 Service Unavailable, expected 2xx");
}

TEST_F(probe_outcomes, expect_status_decides_what_is_healthy) {
  core::check_settings d;
  d.http.expect_status.add("503");
  EXPECT_EQ(check(url("status=503"), d).outcome, core::outcome::healthy);
  EXPECT_EQ(check(url(), d).outcome, core::outcome::unhealthy);
}

TEST_F(probe_outcomes, error_when_connection_is_refused) {
  // Bind and close a socket to find a port nobody listens on.
  mock::mock_fleet closed(test_support::quick_mock());
  const auto dead = closed.url(0);
  closed.stop();
  const auto r = check(dead);
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.error, "connection refused");
}

TEST_F(probe_outcomes, error_when_server_resets) {
  const auto r = check(url("fault=reset"));
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_THAT(r.error, HasSubstr("connection reset by peer"));
}

TEST_F(probe_outcomes, error_when_server_sends_garbage) {
  const auto r = check(url("fault=garbage"));
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_THAT(r.error, HasSubstr("malformed HTTP response"));
}

TEST_F(probe_outcomes, error_when_body_exceeds_the_cap) {
  const auto r = check(url("fault=big"));
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.error, "response body exceeds the 65536 byte limit (max_body)");
  core::check_settings d;
  d.http.max_body_bytes = 20 * 1024 * 1024;
  d.timeout = 3s;
  EXPECT_EQ(check(url("fault=big"), d).outcome, core::outcome::healthy);
}

TEST_F(probe_outcomes, timeout_when_server_hangs) {
  const auto r = check(url("fault=hang"));
  EXPECT_EQ(r.outcome, core::outcome::timeout);
  EXPECT_EQ(r.error, "timed out after 800ms while waiting for response");
}

TEST_F(probe_outcomes, timeout_when_body_drips) {
  const auto r = check(url("fault=slow"));
  EXPECT_EQ(r.outcome, core::outcome::timeout);
  EXPECT_THAT(r.error, HasSubstr("timed out after 800ms while reading response"));
}

TEST_F(probe_outcomes, error_when_host_does_not_resolve) {
  const auto r = check("http://does-not-exist.invalid/health");
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_THAT(r.error, HasSubstr("cannot resolve host 'does-not-exist.invalid'"));
}

TEST_F(probe_outcomes, resolves_host_names) {
  const auto port = fleet_.ports()[0];
  const auto r = check("http://localhost:" + std::to_string(port) + "/health");
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
}

TEST_F(probe_outcomes, sends_method_headers_and_body) {
  core::check_settings d;
  d.http.request.method = "POST";
  d.http.request.body = R"({"probe":true})";
  d.http.request.headers.emplace_back("X-Check", "1");
  EXPECT_EQ(check(url(), d).outcome, core::outcome::healthy);
  d.http.request.method = "HEAD";
  const auto head = check(url(), d);
  EXPECT_EQ(head.outcome, core::outcome::healthy) << head.error;
}

TEST(probe_isolation, one_broken_target_never_spoils_the_others) {
  mock::mock_fleet fleet(test_support::quick_mock());
  fleet.start();
  std::vector<core::target> targets;
  const char* queries[] = {"", "fault=reset", "", "fault=garbage", "", "fault=hang", ""};
  core::check_settings d;
  d.timeout = 500ms;
  for (std::size_t i = 0; i < std::size(queries); ++i) {
    targets.push_back(
        test_support::make_target(fleet.url(0) + (*queries[i] ? std::string("?") + queries[i] : ""),
                                  "t" + std::to_string(i), d));
  }
  const auto report = engine::run_fleet(targets, {});
  ASSERT_EQ(report.results.size(), targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (*queries[i] == '\0') {
      EXPECT_EQ(report.results[i].outcome, core::outcome::healthy) << i << report.results[i].error;
    } else {
      EXPECT_NE(report.results[i].outcome, core::outcome::healthy) << i;
    }
  }
}
