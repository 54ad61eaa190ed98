// The notifier against webhook receivers started by the test on loopback: healthy, failing, slow
// and flaky. Waits are bounded loops on counters, never assertions about speed.

#include "fleetcheck/alert/notifier.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/alert/message.hpp"
#include "webhook_receiver.hpp"

namespace fleetcheck::alert {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;
using health::state;
using test_support::webhook_receiver;

alert_channel channel(std::string name, alert_format format, const std::string& url) {
  alert_channel c;
  c.name = std::move(name);
  c.format = format;
  const auto at = url.find("127.0.0.1:") + 10;
  const auto slash = url.find('/', at);
  c.endpoint.at = {"127.0.0.1", static_cast<std::uint16_t>(std::stoi(url.substr(at, slash - at)))};
  c.endpoint.path = url.substr(slash);
  c.display_url = "http://127.0.0.1/****";
  c.group_wait = 0s;
  c.timeout = 5s;
  c.retry_backoff = 10ms;
  c.limit = {1000, 1s};
  return c;
}

health::transition change(std::string target, state from, state to, std::string group = "") {
  return {std::move(target), std::move(group), from, to, *time_from_rfc3339("2026-11-23T17:00:00Z"),
          "HTTP 503"};
}

/// Waits (at most 20 s) until `done` holds for the notifier's counters.
template <class Predicate>
bool eventually(const notifier& n, Predicate done) {
  for (int i = 0; i < 2000; ++i) {
    if (done(n.stats())) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(notifier, posts_the_exact_body_of_each_format_to_a_healthy_receiver) {
  webhook_receiver receiver({200});
  alerting_config config;
  config.channels.push_back(channel("hook", alert_format::webhook, receiver.url("/generic")));
  config.channels.push_back(channel("chat", alert_format::slack, receiver.url("/slack")));
  config.channels.push_back(
      channel("am", alert_format::alertmanager, receiver.url("/api/v2/alerts")));
  notifier_options options;
  options.generator_url = "http://fleetcheck:8080/";
  notifier n(config, options);
  const auto t = change("api", state::healthy, state::unhealthy, "payments");
  n.on_transition(t);
  ASSERT_TRUE(receiver.wait_for(3));
  n.stop();

  const std::vector expected_events{
      alert_event{alert_event::kind::firing, state::unhealthy, t, t.at}};
  std::map<std::string, std::string> bodies;
  for (const auto& r : receiver.requests()) {
    EXPECT_EQ(r.content_type, "application/json");
    bodies[r.target] = r.body;
  }
  EXPECT_EQ(
      bodies["/generic"],
      R"({"source":"fleetcheck","alert":"hook","status":"firing","url":"http://fleetcheck:8080/",)"
      R"("events":[{"status":"firing","state":"unhealthy","target":"api","group":"payments",)"
      R"("from":"healthy","to":"unhealthy","at":"2026-11-23T17:00:00.000Z",)"
      R"("since":"2026-11-23T17:00:00.000Z","reason":"HTTP 503"}]})");
  EXPECT_EQ(bodies["/slack"], R"({"text":":red_circle: *api* (payments) is unhealthy: HTTP 503"})");
  EXPECT_EQ(
      bodies["/api/v2/alerts"],
      R"([{"labels":{"alertname":"FleetcheckTargetUnhealthy","target":"api","group":"payments"},)"
      R"("annotations":{"summary":"api is unhealthy","description":"HTTP 503"},)"
      R"("startsAt":"2026-11-23T17:00:00.000Z","generatorURL":"http://fleetcheck:8080/"}])");
  const auto stats = n.stats();
  EXPECT_EQ(stats.sent, 3u);
  EXPECT_EQ(stats.failed + stats.retried + stats.dropped + stats.suppressed, 0u);
}

TEST(notifier, groups_transitions_within_the_window_into_one_message) {
  webhook_receiver receiver({200});
  alerting_config config;
  auto c = channel("hook", alert_format::webhook, receiver.url());
  c.group_wait = 1h;  // only stop() sends: the grouping does not depend on timing
  config.channels.push_back(c);
  notifier n(config);
  for (const auto* name : {"a", "b", "c"})
    n.on_transition(change(name, state::healthy, state::unhealthy));
  n.stop();
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(requests[0].body)["events"].size(), 3u);
  EXPECT_EQ(n.stats().sent, 1u);
}

TEST(notifier, retries_a_failing_receiver_with_backoff_then_gives_up) {
  webhook_receiver receiver({500});
  alerting_config config;
  auto c = channel("hook", alert_format::webhook, receiver.url());
  c.retries = 2;
  config.channels.push_back(c);
  config.secrets = {"s3cr3t"};
  config.channels[0].headers = {{"Authorization", "Bearer s3cr3t"}};
  std::mutex log_mutex;
  std::vector<std::string> lines;
  notifier_options options;
  options.log = [&](std::string_view line) {
    std::lock_guard lock(log_mutex);
    lines.emplace_back(line);
  };
  notifier n(config, options);
  n.on_transition(change("api", state::healthy, state::unhealthy));
  ASSERT_TRUE(eventually(n, [](const notifier::counters& s) { return s.failed == 1; }));
  n.stop();
  EXPECT_EQ(receiver.requests().size(), 3u);
  EXPECT_EQ(receiver.requests()[0].authorization, "Bearer s3cr3t");
  const auto stats = n.stats();
  EXPECT_EQ(stats.retried, 2u);
  EXPECT_EQ(stats.sent, 0u);
  std::lock_guard lock(log_mutex);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "alert 'hook' (http://127.0.0.1/****): attempt 1 failed: HTTP 500; retrying in 10ms");
  EXPECT_EQ(lines[2],
            "alert 'hook' (http://127.0.0.1/****): gave up after 3 attempts (1 events): HTTP 500");
  for (const auto& line : lines) EXPECT_EQ(line.find("s3cr3t"), std::string::npos) << line;
}

TEST(notifier, delivers_after_two_server_errors) {
  webhook_receiver receiver({500, 503, 200});
  alerting_config config;
  config.channels.push_back(channel("hook", alert_format::webhook, receiver.url()));
  notifier_options options;
  options.log = [](std::string_view) {};
  notifier n(config, options);
  n.on_transition(change("api", state::healthy, state::unhealthy));
  ASSERT_TRUE(eventually(n, [](const notifier::counters& s) { return s.sent == 1; }));
  n.stop();
  const auto stats = n.stats();
  EXPECT_EQ(stats.retried, 2u);
  EXPECT_EQ(stats.failed, 0u);
  ASSERT_EQ(receiver.requests().size(), 3u);
  EXPECT_EQ(receiver.requests()[2].body, receiver.requests()[0].body);
}

TEST(notifier, a_client_error_is_not_retried) {
  webhook_receiver receiver({404});
  alerting_config config;
  config.channels.push_back(channel("hook", alert_format::webhook, receiver.url()));
  notifier_options options;
  options.log = [](std::string_view) {};
  notifier n(config, options);
  n.on_transition(change("api", state::healthy, state::unhealthy));
  ASSERT_TRUE(eventually(n, [](const notifier::counters& s) { return s.failed == 1; }));
  n.stop();
  EXPECT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(n.stats().retried, 0u);
}

TEST(notifier, a_receiver_that_never_answers_never_blocks_transitions_and_memory_stays_bounded) {
  webhook_receiver receiver({200}, /*hang=*/true);
  alerting_config config;
  auto c = channel("hook", alert_format::webhook, receiver.url());
  c.timeout = 1h;  // only stop() ends the POST
  config.channels.push_back(c);
  notifier_options options;
  options.queue_capacity = 8;
  options.max_batch = 4;
  options.stop_grace = 200ms;
  options.log = [](std::string_view) {};
  notifier n(config, options);
  n.on_transition(change("first", state::healthy, state::unhealthy));
  ASSERT_TRUE(receiver.wait_for(1));  // the POST is now stuck
  for (int i = 0; i < 10'000; ++i) {
    n.on_transition(change("t" + std::to_string(i), state::healthy, state::unhealthy));
  }
  // Everything past the bounds was dropped, and counted. At this moment up to three bounded
  // places may hold events: the queue (8), a queue's worth the loop took out and is routing (8),
  // and the channel's batch (4).
  EXPECT_GE(n.stats().dropped, 10'000u - 2 * 8u - 4u);
  n.stop();  // the stuck POST is aborted after the grace
  const auto stats = n.stats();
  EXPECT_EQ(stats.sent, 0u);
  EXPECT_EQ(stats.failed, 1u);        // the stuck message, aborted
  EXPECT_EQ(stats.dropped, 10'000u);  // every other event: lost to the bounds or to stop()
}

TEST(notifier, silenced_and_maintained_targets_do_not_alert) {
  webhook_receiver receiver({200});
  alerting_config config;
  auto c = channel("hook", alert_format::webhook, receiver.url());
  c.group_wait = 1h;
  config.channels.push_back(c);
  maintenance_window always;
  always.start = 0min;
  always.duration = 24h;
  always.applies_to = *selector::make({}, {"batch"});
  config.maintenance.push_back(always);
  const auto now = *time_from_rfc3339("2026-11-23T17:00:00Z");
  notifier_options options;
  options.now = [now] { return now; };
  notifier n(config, options);
  silence s;
  s.matcher = {silence_matcher::field::target, "api-*"};
  s.starts_at = now;
  s.ends_at = now + 1h;
  s.created_by = "test";
  ASSERT_TRUE(n.silences().add(s, now));

  n.on_transition(change("api-eu", state::healthy, state::unhealthy));
  n.on_transition(change("nightly", state::healthy, state::unhealthy, "batch"));
  n.on_transition(change("db", state::healthy, state::unhealthy));
  n.stop();
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto events = nlohmann::json::parse(requests[0].body)["events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["target"], "db");
  EXPECT_EQ(n.stats().suppressed, 2u);
}

TEST(notifier, a_resolved_follows_its_firing_with_its_start) {
  webhook_receiver receiver({200});
  alerting_config config;
  config.channels.push_back(channel("am", alert_format::alertmanager, receiver.url()));
  notifier n(config);
  auto down = change("api", state::healthy, state::unhealthy);
  n.on_transition(down);
  ASSERT_TRUE(receiver.wait_for(1));
  auto up = change("api", state::unhealthy, state::healthy);
  up.at = down.at + 5min;
  n.on_transition(up);
  ASSERT_TRUE(receiver.wait_for(2));
  n.stop();
  const auto resolved = nlohmann::json::parse(receiver.requests()[1].body);
  EXPECT_EQ(resolved[0]["startsAt"], "2026-11-23T17:00:00.000Z");
  EXPECT_EQ(resolved[0]["endsAt"], "2026-11-23T17:05:00.000Z");
}

TEST(notifier, the_rate_limit_delays_a_message_and_later_events_join_it) {
  webhook_receiver receiver({200});
  alerting_config config;
  auto c = channel("hook", alert_format::webhook, receiver.url());
  c.limit = {1, 1h};
  config.channels.push_back(c);
  notifier n(config);
  n.on_transition(change("a", state::healthy, state::unhealthy));
  ASSERT_TRUE(receiver.wait_for(1));
  n.on_transition(change("b", state::healthy, state::unhealthy));
  n.on_transition(change("c", state::healthy, state::unhealthy));
  n.stop();  // the held message goes out at stop
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)["events"].size(), 2u);
  EXPECT_EQ(n.stats().dropped, 0u);
}

TEST(notifier, firing_alertmanager_alerts_are_sent_again_until_resolved) {
  webhook_receiver receiver({200});
  alerting_config config;
  auto c = channel("am", alert_format::alertmanager, receiver.url());
  c.resend_every = 20ms;
  config.channels.push_back(c);
  notifier n(config);
  n.on_transition(change("api", state::healthy, state::unhealthy));
  ASSERT_TRUE(receiver.wait_for(3));
  n.on_transition(change("api", state::unhealthy, state::healthy));
  n.stop();
  const auto requests = receiver.requests();
  EXPECT_EQ(requests[1].body, requests[0].body);  // the same alert, the same startsAt
  const auto last = nlohmann::json::parse(requests.back().body);
  EXPECT_TRUE(last[0].contains("endsAt")) << requests.back().body;
}

TEST(notifier, after_stop_transitions_are_dropped) {
  alerting_config config;
  notifier n(config);
  n.stop();
  n.on_transition(change("api", state::healthy, state::unhealthy));
  EXPECT_EQ(n.stats().dropped, 1u);
  n.stop();  // idempotent
}

}  // namespace
}  // namespace fleetcheck::alert
