#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/alert/delivery_policy.hpp"
#include "fleetcheck/alert/message.hpp"
#include "fleetcheck/alert/silences.hpp"

namespace fleetcheck::alert {
namespace {

using namespace std::chrono_literals;
using health::state;

const steady_time t0 = steady_time{} + 1000h;  // a fake clock

health::transition change(std::string target, std::string group, state from, state to,
                          std::string reason = "connection refused") {
  return {std::move(target), std::move(group), from, to, *time_from_rfc3339("2026-11-23T17:00:00Z"),
          std::move(reason)};
}

TEST(rate_limiter, allows_a_burst_then_one_per_interval) {
  rate_limiter limiter(rate_limit{3, 1min});
  EXPECT_TRUE(limiter.try_take(t0));
  EXPECT_TRUE(limiter.try_take(t0));
  EXPECT_TRUE(limiter.try_take(t0));
  EXPECT_FALSE(limiter.try_take(t0));
  EXPECT_EQ(limiter.next_free(t0), t0 + 20s);
  EXPECT_FALSE(limiter.try_take(t0 + 19s));
  EXPECT_TRUE(limiter.try_take(t0 + 20s));
  EXPECT_FALSE(limiter.try_take(t0 + 21s));
  // A quiet minute refills the bucket, and no more than that.
  EXPECT_TRUE(limiter.try_take(t0 + 2min));
  EXPECT_TRUE(limiter.try_take(t0 + 2min));
  EXPECT_TRUE(limiter.try_take(t0 + 2min));
  EXPECT_FALSE(limiter.try_take(t0 + 2min));
}

TEST(retry_delay, doubles_up_to_its_ceiling) {
  EXPECT_EQ(retry_delay(1s, 1), 1s);
  EXPECT_EQ(retry_delay(1s, 2), 2s);
  EXPECT_EQ(retry_delay(1s, 3), 4s);
  EXPECT_EQ(retry_delay(1s, 7), 60s);
  EXPECT_EQ(retry_delay(1s, 1000), 60s);
  EXPECT_EQ(retry_delay(250ms, 3, 800ms), 800ms);
}

TEST(worth_retrying, transport_failures_throttling_and_server_errors_only) {
  for (const int status : {0, 408, 425, 429, 500, 502, 503}) EXPECT_TRUE(worth_retrying(status));
  for (const int status : {400, 401, 403, 404, 410, 422}) EXPECT_FALSE(worth_retrying(status));
}

TEST(pending_batch, groups_what_arrives_within_the_window_and_is_bounded) {
  pending_batch batch(2);
  const auto cause = change("a", "", state::healthy, state::unhealthy);
  const alert_event e{alert_event::kind::firing, state::unhealthy, cause, cause.at};
  EXPECT_TRUE(batch.add(e, t0, 5s));
  EXPECT_TRUE(batch.add(e, t0 + 4s, 5s));   // joins: the window does not move
  EXPECT_FALSE(batch.add(e, t0 + 4s, 5s));  // full
  EXPECT_EQ(batch.due(), t0 + 5s);
  EXPECT_FALSE(batch.ready(t0 + 4999ms));
  EXPECT_TRUE(batch.ready(t0 + 5s));
  EXPECT_EQ(batch.take().size(), 2u);
  EXPECT_TRUE(batch.empty());
  EXPECT_TRUE(batch.add(e, t0 + 10s, 5s));
  EXPECT_EQ(batch.due(), t0 + 15s);
}

TEST(events_for, fire_on_entering_and_resolve_on_leaving_a_configured_state) {
  alert_channel c;
  c.on = {state::unhealthy, state::degraded};
  auto events = events_for(c, change("a", "", state::healthy, state::unhealthy));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].what, alert_event::kind::firing);
  EXPECT_EQ(events[0].state, state::unhealthy);

  events = events_for(c, change("a", "", state::unhealthy, state::degraded));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].what, alert_event::kind::resolved);
  EXPECT_EQ(events[0].state, state::unhealthy);
  EXPECT_EQ(events[1].what, alert_event::kind::firing);
  EXPECT_EQ(events[1].state, state::degraded);

  EXPECT_TRUE(events_for(c, change("a", "", state::unknown, state::healthy)).empty());
  c.on = {state::unhealthy};
  EXPECT_TRUE(events_for(c, change("a", "", state::healthy, state::degraded)).empty());
  c.send_on_resolved = false;
  EXPECT_TRUE(events_for(c, change("a", "", state::unhealthy, state::healthy)).empty());
}

std::vector<alert_event> two_events() {
  auto down = change("api", "payments", state::healthy, state::unhealthy, "HTTP 503");
  auto up = change("db", "", state::unhealthy, state::healthy, "2 consecutive healthy checks");
  up.at += 90s;
  return {{alert_event::kind::firing, state::unhealthy, down, down.at},
          {alert_event::kind::resolved, state::unhealthy, up, up.at - 10min}};
}

TEST(render_body, generic_webhook) {
  EXPECT_EQ(
      render_body(alert_format::webhook, "oncall", two_events(), "http://fc:8080/"),
      R"({"source":"fleetcheck","alert":"oncall","status":"firing","url":"http://fc:8080/",)"
      R"("events":[{"status":"firing","state":"unhealthy","target":"api","group":"payments",)"
      R"("from":"healthy","to":"unhealthy","at":"2026-11-23T17:00:00.000Z",)"
      R"("since":"2026-11-23T17:00:00.000Z","reason":"HTTP 503"},)"
      R"({"status":"resolved","state":"unhealthy","target":"db","group":"","from":"unhealthy",)"
      R"("to":"healthy","at":"2026-11-23T17:01:30.000Z","since":"2026-11-23T16:51:30.000Z",)"
      R"("reason":"2 consecutive healthy checks"}]})");
}

TEST(render_body, slack) {
  EXPECT_EQ(render_body(alert_format::slack, "oncall", two_events(), ""),
            R"({"text":"fleetcheck: 1 firing, 1 resolved\n)"
            R"(:red_circle: *api* (payments) is unhealthy: HTTP 503\n)"
            R"(:large_green_circle: *db* is no longer unhealthy (now healthy): )"
            R"(2 consecutive healthy checks"})");
  // One event: no summary line; Slack's control characters are escaped.
  std::vector one{two_events()[0]};
  one[0].cause.target = "<!channel> & co";
  EXPECT_EQ(render_body(alert_format::slack, "oncall", one, ""),
            R"({"text":":red_circle: *&lt;!channel&gt; &amp; co* (payments) is unhealthy: )"
            R"(HTTP 503"})");
}

TEST(render_body, alertmanager_api_v2_alerts) {
  EXPECT_EQ(
      render_body(alert_format::alertmanager, "am", two_events(), "http://fc:8080/"),
      R"([{"labels":{"alertname":"FleetcheckTargetUnhealthy","target":"api","group":"payments"},)"
      R"("annotations":{"summary":"api is unhealthy","description":"HTTP 503"},)"
      R"("startsAt":"2026-11-23T17:00:00.000Z","generatorURL":"http://fc:8080/"},)"
      R"({"labels":{"alertname":"FleetcheckTargetUnhealthy","target":"db"},)"
      R"("annotations":{"summary":"db is unhealthy","description":"2 consecutive healthy checks"},)"
      R"("startsAt":"2026-11-23T16:51:30.000Z","endsAt":"2026-11-23T17:01:30.000Z",)"
      R"("generatorURL":"http://fc:8080/"}])");
}

TEST(render_body, is_valid_json_for_any_bytes_in_every_format) {
  auto events = two_events();
  events[0].cause.target = "api\xff\xfe";
  events[0].cause.reason = std::string("bad \x00 \xc3 bytes\n", 14);
  events[1].cause.group = "\x80";
  for (const auto format :
       {alert_format::webhook, alert_format::slack, alert_format::alertmanager}) {
    const auto body = render_body(format, "x\xff", events, "\xff");
    EXPECT_FALSE(nlohmann::json::parse(body, nullptr, false).is_discarded()) << body;
  }
}

TEST(render_body, slack_lists_at_most_fifty_lines) {
  std::vector<alert_event> many(120, two_events()[0]);
  const auto text = nlohmann::json::parse(render_body(alert_format::slack, "x", many, ""))["text"]
                        .get<std::string>();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 51);
  EXPECT_NE(text.find("… and 70 more"), std::string::npos);
}

}  // namespace
}  // namespace fleetcheck::alert
