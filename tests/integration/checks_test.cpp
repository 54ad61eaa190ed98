// TCP checks, conditions, retries, redirects and secrets, end to end over loopback.
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "fleetcheck/report/report.hpp"
#include "mock_fixture.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

class checks : public ::testing::Test {
 protected:
  void SetUp() override { fleet_.start(); }

  /// Runs the fleet described by `yaml`, with {url} and {port} standing for the mock's.
  engine::run_report run(std::string yaml) {
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"{url}", fleet_.url(0)},
                                     {"{port}", std::to_string(fleet_.ports()[0])}}) {
      for (auto pos = yaml.find(key); pos != std::string::npos; pos = yaml.find(key)) {
        yaml.replace(pos, key.size(), value);
      }
    }
    config_ = config::parse_config(yaml, "test.yaml", {});
    return engine::run_fleet(config_.targets, {});
  }

  mock::mock_fleet fleet_{test_support::quick_mock()};
  config::fleet_config config_;
};

}  // namespace

TEST_F(checks, tcp_open_port_is_healthy_and_closed_port_is_refused) {
  mock::mock_fleet closed(test_support::quick_mock());
  const auto dead_port = closed.ports()[0];
  closed.stop();
  const auto report = run("targets:\n  - url: tcp://127.0.0.1:{port}\n  - url: tcp://127.0.0.1:" +
                          std::to_string(dead_port) + "\n");
  EXPECT_EQ(report.results[0].outcome, core::outcome::healthy) << report.results[0].error;
  EXPECT_GT(report.results[0].phases.connect, 0.0);
  EXPECT_EQ(report.results[1].outcome, core::outcome::error);
  EXPECT_EQ(report.results[1].error, "connection refused");
}

TEST_F(checks, tcp_send_and_expect_speak_a_line_protocol) {
  const auto report = run(R"(targets:
  - name: speaks-http
    url: tcp://127.0.0.1:{port}
    send: "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    expect: '{"status":"ok"}'
  - name: wrong-answer
    url: tcp://127.0.0.1:{port}
    send: "GET /health?status=503 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    expect: "200 OK"
)");
  EXPECT_EQ(report.results[0].outcome, core::outcome::healthy) << report.results[0].error;
  EXPECT_EQ(report.results[1].outcome, core::outcome::unhealthy);
  EXPECT_THAT(report.results[1].error,
              HasSubstr("expected '200 OK', got 'HTTP/1.1 503 Service Unavailable\\r\\n"));
}

TEST_F(checks, failed_conditions_are_listed_with_actual_values) {
  const auto report = run(R"(targets:
  - name: down
    url: "{url}?status=503"
    conditions: ['[STATUS] == 200', '[BODY].status == ok', '[RESPONSE_TIME] < 10000']
  - name: up
    url: "{url}"
    conditions: ['[STATUS] == 200', '[BODY].status == ok', 'len([BODY]) > 0', '[CONNECTED] == true']
)");
  const auto& down = report.results[0];
  EXPECT_EQ(down.outcome, core::outcome::unhealthy);
  EXPECT_THAT(down.failed_conditions,
              ElementsAre("[STATUS] (503) == 200", "[BODY].status (down) == ok"));
  EXPECT_EQ(down.error, "[STATUS] (503) == 200; [BODY].status (down) == ok");
  EXPECT_EQ(report.results[1].outcome, core::outcome::healthy) << report.results[1].error;
}

TEST_F(checks, conditions_replace_the_default_status_rule) {
  const auto report = run(R"(targets:
  - name: maintenance-is-fine
    url: "{url}?status=503"
    conditions: ['[STATUS] == any(200, 503)']
  - name: explicit-status-still-counts
    url: "{url}?status=503"
    expect_status: 200
    conditions: ['[STATUS] == any(200, 503)']
)");
  EXPECT_EQ(report.results[0].outcome, core::outcome::healthy) << report.results[0].error;
  EXPECT_EQ(report.results[1].outcome, core::outcome::unhealthy);
}

TEST_F(checks, certificate_condition_fails_cleanly_on_plain_http) {
  const auto report =
      run("targets:\n  - url: '{url}'\n    conditions: ['[CERTIFICATE_EXPIRATION] > 48h']\n");
  EXPECT_EQ(report.results[0].outcome, core::outcome::unhealthy);
  EXPECT_THAT(report.results[0].error,
              HasSubstr("[CERTIFICATE_EXPIRATION] (no certificate: not a TLS check) > 48h"));
}

TEST_F(checks, retries_succeed_on_the_second_attempt_and_say_so) {
  const auto report = run(R"(targets:
  - name: flaky
    url: "{url}?fail_first=1"
    retries: 2
  - name: broken
    url: "{url}?status=500"
    retries: 2
  - name: no-retries
    url: "{url}?fail_first=1&k=2"
)");
  EXPECT_EQ(report.results[0].outcome, core::outcome::healthy) << report.results[0].error;
  EXPECT_EQ(report.results[0].attempts, 2);
  EXPECT_EQ(report.results[1].outcome, core::outcome::unhealthy);
  EXPECT_EQ(report.results[1].attempts, 3);
  EXPECT_THAT(report.results[1].error, HasSubstr("(after 3 attempts)"));
  EXPECT_EQ(report.results[2].outcome, core::outcome::unhealthy);
  EXPECT_EQ(report.results[2].attempts, 1);
}

TEST_F(checks, retries_never_outlive_the_timeout) {
  const auto report = run(R"(targets:
  - url: "{url}?status=500"
    retries: 10
    timeout: 300ms
)");
  EXPECT_EQ(report.results[0].outcome, core::outcome::unhealthy);
  EXPECT_LT(report.results[0].attempts, 11);
  EXPECT_LT(report.results[0].duration_seconds, 0.35);
}

TEST_F(checks, redirects_are_followed_only_when_allowed) {
  const auto report = run(R"(targets:
  - name: followed
    url: "{url}?redirect=/health"
    follow_redirects: 1
  - name: not-followed
    url: "{url}?redirect=/health"
)");
  EXPECT_EQ(report.results[0].outcome, core::outcome::healthy) << report.results[0].error;
  EXPECT_EQ(report.results[0].redirects, 1);
  EXPECT_EQ(report.results[1].outcome, core::outcome::unhealthy);
  EXPECT_EQ(report.results[1].http_status, 302);
  EXPECT_THAT(report.results[1].error, HasSubstr("redirect to '/health' not followed"));
}

TEST_F(checks, secrets_never_appear_in_any_output) {
  ::setenv("FLEETCHECK_TEST_API_TOKEN", "s3cr3t-t0ken", 1);
  const auto report = run(R"(targets:
  - name: bearer
    url: "{url}?redirect=/x?token=${FLEETCHECK_TEST_API_TOKEN}"
    bearer_token: ${FLEETCHECK_TEST_API_TOKEN}
  - name: basic
    url: "{url}?status=401&key=hunter22"
    basic_auth: {username: admin, password: hunter22}
  - name: in-url
    url: "http://admin:pa55word@127.0.0.1:{port}/health?status=403"
)");
  const report::fleet_view view{config_.targets, report.results, report.summary};
  std::ostringstream table, json, prometheus;
  report::render_table(table, view, {});
  report::render_json(json, view);
  report::render_prometheus(prometheus, view);
  for (const auto& text : {table.str(), json.str(), prometheus.str()}) {
    EXPECT_THAT(text, Not(HasSubstr("s3cr3t-t0ken")));
    EXPECT_THAT(text, Not(HasSubstr("hunter22")));
    EXPECT_THAT(text, Not(HasSubstr("pa55word")));
    EXPECT_THAT(text, Not(HasSubstr("YWRtaW46")));  // base64 of "admin:"
    EXPECT_THAT(text, HasSubstr("****"));
  }
  EXPECT_THAT(report.results[0].error, HasSubstr("token=****"));
}

TEST(condition_config, a_bad_condition_names_file_line_and_target) {
  try {
    config::parse_config(
        "targets:\n  - name: api\n    url: http://h/\n    conditions:\n"
        "      - '[STATUS] == 200'\n      - '[STATUS] == abc'\n",
        "fleet.yaml", {});
    FAIL();
  } catch (const core::config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("fleet.yaml:6: target 'api': condition \"[STATUS] == abc\""));
  }
}
