#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "fleetcheck/alert/alerting_config.hpp"
#include "fleetcheck/core/config_error.hpp"

namespace fleetcheck::alert {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_alerting(yaml, "fleet.yaml");
  } catch (const core::config_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(alert_config, reads_every_key_of_a_channel) {
  ::setenv("FLEETCHECK_TEST_SLACK_TOKEN", "T000/B000/s3cr3t", 1);
  const auto config = parse_alerting(R"(
targets: [ignored by this reader]
alerting:
  - name: oncall
    type: slack
    url: https://hooks.slack.com/services/${FLEETCHECK_TEST_SLACK_TOKEN}
    on: [unhealthy, degraded]
    send_on_resolved: false
    group_wait: 0s
    rate_limit: 10/min
    timeout: 3s
    retries: 5
    retry_backoff: 250ms
    targets: ["api-*"]
    groups: payments
    headers: {Authorization: "Bearer abc123", X-Team: core}
  - name: am
    type: alertmanager
    url: http://am.internal:9093/api/v2/alerts
    resend_every: 30s
)",
                                     "fleet.yaml");
  ASSERT_EQ(config.channels.size(), 2u);
  const auto& slack = config.channels[0];
  EXPECT_EQ(slack.name, "oncall");
  EXPECT_EQ(slack.format, alert_format::slack);
  EXPECT_TRUE(slack.endpoint.tls);
  EXPECT_EQ(slack.endpoint.at.host, "hooks.slack.com");
  EXPECT_EQ(slack.endpoint.at.port, 443);
  EXPECT_EQ(slack.endpoint.path, "/services/T000/B000/s3cr3t");
  EXPECT_EQ(slack.display_url, "https://hooks.slack.com/****");
  EXPECT_EQ(slack.on, (std::vector{health::state::unhealthy, health::state::degraded}));
  EXPECT_FALSE(slack.send_on_resolved);
  EXPECT_EQ(slack.group_wait, std::chrono::seconds(0));
  EXPECT_EQ(slack.limit.messages, 10u);
  EXPECT_EQ(slack.limit.per, std::chrono::minutes(1));
  EXPECT_EQ(slack.timeout, std::chrono::seconds(3));
  EXPECT_EQ(slack.retries, 5);
  EXPECT_EQ(slack.retry_backoff, std::chrono::milliseconds(250));
  EXPECT_TRUE(slack.applies_to.selects("api-eu", ""));
  EXPECT_TRUE(slack.applies_to.selects("db", "payments"));
  EXPECT_FALSE(slack.applies_to.selects("db", "search"));
  ASSERT_EQ(slack.headers.size(), 2u);
  EXPECT_EQ(slack.headers[0].second, "Bearer abc123");
  // The token from the environment and the secret header's value are never logged.
  EXPECT_NE(std::find(config.secrets.begin(), config.secrets.end(), "T000/B000/s3cr3t"),
            config.secrets.end());
  EXPECT_NE(std::find(config.secrets.begin(), config.secrets.end(), "Bearer abc123"),
            config.secrets.end());

  const auto& am = config.channels[1];
  EXPECT_EQ(am.format, alert_format::alertmanager);
  EXPECT_EQ(am.display_url, "http://am.internal:9093/api/v2/alerts");
  EXPECT_EQ(am.resend_every, std::chrono::seconds(30));
  EXPECT_EQ(am.on, std::vector{health::state::unhealthy});  // the default
  EXPECT_TRUE(am.send_on_resolved);
  EXPECT_TRUE(am.applies_to.selects_all());
}

TEST(alert_config, credentials_in_the_url_become_basic_auth_and_secrets) {
  const auto config = parse_alerting(R"(
alerting:
  - {name: hook, type: webhook, url: "http://bot:pa55@10.0.0.1:8080/hook?key=k3y"}
)",
                                     "fleet.yaml");
  const auto& c = config.channels.at(0);
  EXPECT_EQ(c.display_url, "http://10.0.0.1:8080/****?****");
  ASSERT_EQ(c.headers.size(), 1u);
  EXPECT_EQ(c.headers[0].first, "Authorization");
  EXPECT_NE(std::find(config.secrets.begin(), config.secrets.end(), "pa55"), config.secrets.end());
}

TEST(alert_config, reads_maintenance_as_one_window_or_a_list) {
  const auto one = parse_alerting(R"(
maintenance:
  start: "23:00"
  duration: 1h
  timezone: Europe/Berlin
  every: [Monday, thursday]
)",
                                  "fleet.yaml");
  ASSERT_EQ(one.maintenance.size(), 1u);
  EXPECT_EQ(one.maintenance[0].start, std::chrono::hours(23));
  EXPECT_EQ(one.maintenance[0].days, (1u << 1) | (1u << 4));
  EXPECT_EQ(one.maintenance[0].timezone, "Europe/Berlin");
  EXPECT_EQ(one.maintenance[0].origin, "fleet.yaml:3");

  const auto list = parse_alerting(R"(
maintenance:
  - {start: "02:30", duration: 30m, groups: [payments]}
  - {start: "03:00", duration: 2h, enabled: false}
)",
                                   "fleet.yaml");
  ASSERT_EQ(list.maintenance.size(), 1u);
  EXPECT_EQ(list.maintenance[0].start, std::chrono::minutes(150));
  EXPECT_TRUE(list.maintenance[0].applies_to.selects("x", "payments"));
  EXPECT_FALSE(list.maintenance[0].applies_to.selects("x", "search"));
}

TEST(alert_config, errors_name_the_file_line_and_channel) {
  EXPECT_EQ(error_of("alerting:\n  - {name: a, type: slack, url: http://x/, groupwait: 1s}\n"),
            "fleet.yaml:2: alerting[0]: unknown key 'groupwait' (did you mean 'group_wait'?)");
  EXPECT_EQ(error_of("alerting:\n  - {name: a, type: pager, url: http://x/}\n"),
            "fleet.yaml:2: alert 'a': 'type' must be slack, webhook or alertmanager, not 'pager'");
  EXPECT_EQ(error_of("alerting:\n  - {name: a, type: slack, url: http://x/, on: [healthy]}\n"),
            "fleet.yaml:2: alert 'a': 'on' takes unhealthy and degraded, not 'healthy'");
  EXPECT_EQ(error_of("alerting:\n  - {name: a, type: slack, url: http://x/, rate_limit: often}\n"),
            "fleet.yaml:2: alert 'a': 'rate_limit': 'often' is not a rate like 10/min "
            "(messages per s, min, hour or a duration)");
  EXPECT_EQ(error_of("alerting:\n  - {name: a, type: slack, url: tcp://x:1}\n"),
            "fleet.yaml:2: alert 'a': 'url' must be http:// or https://");
  EXPECT_EQ(error_of("alerting:\n  - {name: a, type: slack, url: http://x/, targets: ['[a']}\n")
                .substr(0, 52),
            "fleet.yaml:2: alert 'a': bad pattern '[a': malformed");
  EXPECT_EQ(error_of("alerting:\n  - {name: a, type: slack, url: 'http://x/', resend_every: 1m}\n"),
            "fleet.yaml:2: alert 'a': 'resend_every' applies to type alertmanager only");
  EXPECT_EQ(error_of("alerting:\n  - {name: a, type: slack, url: http://x/}\n"
                     "  - {name: a, type: webhook, url: http://y/}\n"),
            "fleet.yaml:3: alert 'a': the name is already used at fleet.yaml:2");
  EXPECT_EQ(error_of("maintenance: {start: '25:00', duration: 1h}\n"),
            "fleet.yaml:1: maintenance: 'start' must be hh:mm from 00:00 to 23:59 (e.g. 23:00), "
            "not '25:00'");
  EXPECT_EQ(error_of("maintenance: {start: '23:00', duration: 25h}\n"),
            "fleet.yaml:1: maintenance: 'duration' must be at most 24h");
  EXPECT_EQ(error_of("maintenance: {start: '23:00', duration: 1h, every: [Mon]}\n"),
            "fleet.yaml:1: maintenance: 'every' takes day names (Monday ... Sunday), not 'Mon'");
  EXPECT_EQ(error_of("maintenance: {start: '23:00', duration: 1h, timezone: Mars/Olympus}\n")
                .substr(0, 71),
            "fleet.yaml:1: maintenance: 'timezone': unknown time zone 'Mars/Olympus'");
  EXPECT_EQ(error_of("maintenance: {start: '23:00', duration: 1h, timezone: ../../etc/passwd}\n"),
            "fleet.yaml:1: maintenance: 'timezone': unknown time zone '../../etc/passwd'");
}

}  // namespace
}  // namespace fleetcheck::alert
