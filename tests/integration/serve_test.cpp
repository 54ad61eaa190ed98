// `fleetcheck serve` as a user runs it, against a live mock fleet: the API, /probe, /metrics
// (validated by promtool), /api/v1/check's deadline and sharing, reload, shards, SIGTERM.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_server.hpp"
#include "mock_fixture.hpp"
#include "run_process.hpp"
#include "serve_process.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using nlohmann::json;
using test_support::eventually;
using test_support::http_get;
using test_support::serve_process;
using test_support::write_file;
using ::testing::HasSubstr;

namespace {

/// A config of the mock's services: svc-N in group "even" or "odd", checked every 200 ms;
/// `query` is appended to every URL (e.g. "?delay=300ms").
std::string fleet_config(const mock::mock_fleet& fleet, std::size_t count,
                         const std::string& query = "", const std::string& extra = "") {
  std::string yaml = "defaults:\n  interval: 200ms\n  timeout: 1s\n" + extra + "targets:\n";
  for (std::size_t i = 0; i < count; ++i) {
    yaml += "  - name: svc-" + std::to_string(i) + "\n    url: " + fleet.url(i) + query +
            "\n    group: " + (i % 2 == 0 ? "even" : "odd") + "\n";
  }
  return yaml;
}

json get_json(const serve_process& p, const std::string& target) {
  const auto answer = http_get(p.port(), target);
  return json::parse(answer.body, nullptr, false);
}

/// Targets listed by the API, all pages, following the cursor.
std::set<std::string> listed_names(const serve_process& p) {
  std::set<std::string> names;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    const auto j =
        get_json(p, "/api/v1/targets?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& t : j["targets"]) names.insert(t["name"].get<std::string>());
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"].get<std::string>();
  }
  return names;
}

double metric(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class serve : public ::testing::Test {
 protected:
  void SetUp() override {
    fleet_.start();
    config_ = write_file("serve-fleet.yaml", fleet_config(fleet_, 6));
  }
  mock::mock_fleet fleet_{test_support::quick_mock(6)};
  std::string config_;
};

}  // namespace

TEST_F(serve, lists_every_target_with_its_state_and_last_result) {
  serve_process p({"-c", config_});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  ASSERT_TRUE(eventually([&] { return get_json(p, "/api/v1/targets")["summary"]["healthy"] == 6; }))
      << p.log();
  const auto list = get_json(p, "/api/v1/targets?group=odd");
  EXPECT_EQ(list["matching"], 3);
  ASSERT_EQ(list["targets"].size(), 3u);
  const auto& first = list["targets"][0];
  EXPECT_EQ(first["name"], "svc-1");
  EXPECT_EQ(first["state"], "healthy");
  EXPECT_EQ(first["last"]["http_status"], 200);
  EXPECT_EQ(listed_names(p).size(), 6u);  // three pages of two... of three, by cursor
  EXPECT_EQ(get_json(p, "/api/v1/targets?q=VC-5")["matching"], 1);
  EXPECT_EQ(get_json(p, "/api/v1/targets?state=unhealthy")["matching"], 0);

  const auto one = get_json(p, "/api/v1/targets/svc-2");
  EXPECT_EQ(one["group"], "even");
  EXPECT_GE(one["checks"].get<int>(), 1);
  EXPECT_EQ(http_get(p.port(), "/api/v1/targets/nope").status, 404);
  json history;
  ASSERT_TRUE(eventually([&] {  // written in batches, every 250 ms
    history = get_json(p, "/api/v1/targets/svc-2/history?since=1m");
    return !history["transitions"].empty();
  })) << history.dump();
  EXPECT_EQ(history["transitions"][0]["to"], "healthy");
  EXPECT_GE(history["results"].size(), 1u);
  EXPECT_EQ(http_get(p.port(), "/healthz").status, 200);
  EXPECT_EQ(http_get(p.port(), "/nowhere").status, 404);
}

TEST_F(serve, a_failing_target_becomes_unhealthy_after_the_threshold) {
  std::string yaml = fleet_config(fleet_, 2, "", "  unhealthy_threshold: 2\n");
  yaml += "  - name: broken\n    url: " + fleet_.url(2) + "?status=500\n";
  serve_process p({"-c", write_file("serve-broken.yaml", yaml)});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  ASSERT_TRUE(eventually([&] {
    return get_json(p, "/api/v1/targets/broken")["state"] == "unhealthy";
  })) << p.log();
  const auto broken = get_json(p, "/api/v1/targets/broken");
  EXPECT_EQ(broken["last"]["error"], "HTTP 500 Internal Server Error, expected 2xx");
}

TEST_F(serve, metrics_carry_blackbox_names_and_pass_promtool) {
  serve_process p({"-c", config_});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  ASSERT_TRUE(
      eventually([&] { return get_json(p, "/api/v1/targets")["summary"]["healthy"] == 6; }));
  const auto text = http_get(p.port(), "/metrics").body;
  EXPECT_THAT(text, HasSubstr("probe_success{target=\"svc-0\",group=\"even\"} 1"));
  // The URL is on the info series only.
  EXPECT_THAT(text, HasSubstr("fleetcheck_target_info{target=\"svc-0\",group=\"even\",url=\"" +
                              fleet_.url(0) + "\"} 1"));
  EXPECT_THAT(text, HasSubstr("probe_http_duration_seconds{target=\"svc-1\""));
  EXPECT_THAT(text, HasSubstr("fleetcheck_target_state{target=\"svc-3\""));
  EXPECT_EQ(metric(text, "fleetcheck_targets{state=\"healthy\"}"), 6);
  EXPECT_GE(metric(text, "fleetcheck_checks_total{outcome=\"healthy\"}"), 6);
  EXPECT_GE(metric(text, "fleetcheck_schedule_lag_seconds_count"), 6);
  EXPECT_GE(metric(text, "fleetcheck_transitions_total{to=\"healthy\"}"), 6);

  const auto promtool = test_support::find_program("promtool");
  if (promtool.empty()) GTEST_SKIP() << "promtool (Debian package prometheus) is not installed";
  const auto checked = test_support::run_process({promtool, "check", "metrics"}, text);
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_EQ(checked.out + checked.err, "");
}

TEST_F(serve, probe_answers_like_blackbox_within_the_scrape_timeout) {
  serve_process p({"-c", config_});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  const auto ok = http_get(p.port(), "/probe?target=" + fleet_.url(0) + "&module=http_2xx");
  EXPECT_EQ(ok.status, 200);
  EXPECT_THAT(ok.body, HasSubstr("\nprobe_success 1\n"));
  EXPECT_THAT(ok.body, HasSubstr("\nprobe_http_status_code 200\n"));
  // A 1 s scrape timeout leaves 0.5 s for a check of a service that answers in 3 s.
  const auto start = std::chrono::steady_clock::now();
  const auto slow = test_support::http_request(p.port(), "GET",
                                               "/probe?target=" + fleet_.url(1) + "%3Fdelay%3D3s",
                                               {"X-Prometheus-Scrape-Timeout-Seconds: 1"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
  EXPECT_THAT(slow.body, HasSubstr("\nprobe_success 0\n"));
  // A module named after a configured target takes its settings.
  const auto as_target = http_get(p.port(), "/probe?target=" + fleet_.url(2) + "&module=svc-1");
  EXPECT_THAT(as_target.body, HasSubstr("\nprobe_success 1\n"));
  EXPECT_EQ(http_get(p.port(), "/probe?target=" + fleet_.url(2) + "&module=nope").status, 400);
  EXPECT_EQ(http_get(p.port(), "/probe").status, 400);
}

TEST_F(serve, api_check_answers_every_row_by_the_deadline) {
  std::string yaml = fleet_config(fleet_, 4);
  yaml += "  - name: hanging\n    url: " + fleet_.url(4) + "?fault=hang\n    group: even\n";
  serve_process p({"-c", write_file("serve-hang.yaml", yaml)});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  const auto odd = http_get(p.port(), "/api/v1/check?group=odd&deadline=2s");
  EXPECT_EQ(odd.status, 200) << odd.body;
  const auto start = std::chrono::steady_clock::now();
  const auto even = http_get(p.port(), "/api/v1/check?group=even&deadline=300ms");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(even.status, 503);
  EXPECT_LT(took, 2s);  // the hanging target's timeout is 1 s: the deadline cut it short
  const auto j = json::parse(even.body);
  EXPECT_EQ(j["summary"]["total"], 3);
  EXPECT_EQ(j["results"].size(), 3u);
  EXPECT_EQ(j["summary"]["deadline_exceeded"], true);
  EXPECT_EQ(http_get(p.port(), "/api/v1/check?group=nope").status, 404);
  EXPECT_EQ(http_get(p.port(), "/api/v1/check?deadline=soon").status, 400);
}

TEST_F(serve, concurrent_api_checks_of_a_group_share_one_run) {
  serve_process p({"-c", write_file("serve-slow.yaml", fleet_config(fleet_, 4, "?delay=400ms"))});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  std::vector<std::future<test_support::http_answer>> callers;
  for (int i = 0; i < 4; ++i) {
    callers.push_back(std::async(std::launch::async, [&] {
      return http_get(p.port(), "/api/v1/check?group=odd&deadline=3s");
    }));
    std::this_thread::sleep_for(20ms);
  }
  for (auto& c : callers) EXPECT_EQ(c.get().status, 200);
  // max_age answers from the run that just finished.
  EXPECT_EQ(http_get(p.port(), "/api/v1/check?group=odd&max_age=1m").status, 200);
  const auto text = http_get(p.port(), "/metrics").body;
  EXPECT_EQ(metric(text, "fleetcheck_api_checks_total{shared=\"false\"}"), 1) << text;
  EXPECT_EQ(metric(text, "fleetcheck_api_checks_total{shared=\"true\"}"), 4);
}

TEST_F(serve, sigterm_exits_promptly_and_cleanly) {
  serve_process p({"-c", write_file("serve-term.yaml", fleet_config(fleet_, 4, "?delay=5s"))});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  std::this_thread::sleep_for(300ms);  // checks in flight, each waiting for a 5 s answer
  const auto start = std::chrono::steady_clock::now();
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(5s), 0) << p.log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_THAT(p.log(), HasSubstr("\"msg\":\"stopped\""));
}

TEST_F(serve, reload_keeps_unchanged_targets_and_rejects_a_bad_config) {
  const auto path = write_file("serve-reload.yaml", fleet_config(fleet_, 3));
  serve_process p({"-c", path});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  ASSERT_TRUE(eventually([&] { return get_json(p, "/api/v1/targets/svc-0")["checks"] >= 2; }));
  const auto since = get_json(p, "/api/v1/targets/svc-0")["since"];

  std::ofstream(path) << fleet_config(fleet_, 5);  // two more targets
  p.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return get_json(p, "/api/v1/targets")["summary"]["total"] == 5; }))
      << p.log();
  EXPECT_EQ(get_json(p, "/api/v1/targets/svc-0")["since"], since);  // state kept

  std::ofstream(path) << "targets:\n  - name: x\n    url: http://127.0.0.1:1/\n    colour: red\n";
  const auto rejected = test_support::http_request(p.port(), "POST", "/-/reload");
  EXPECT_EQ(rejected.status, 400);
  EXPECT_THAT(rejected.body, HasSubstr("colour"));
  EXPECT_EQ(get_json(p, "/api/v1/targets")["summary"]["total"], 5);  // the old one runs on
  EXPECT_THAT(p.log(), HasSubstr("reload rejected"));

  std::ofstream(path) << fleet_config(fleet_, 2);
  EXPECT_EQ(test_support::http_request(p.port(), "POST", "/-/reload").status, 200);
  EXPECT_EQ(get_json(p, "/api/v1/targets")["summary"]["total"], 2);
  const auto text = http_get(p.port(), "/metrics").body;
  EXPECT_EQ(metric(text, "fleetcheck_reloads_total"), 2);
  EXPECT_EQ(metric(text, "fleetcheck_reload_failures_total"), 1);
}

TEST_F(serve, reuse_connection_keeps_one_connection_per_target_across_reloads) {
  const auto path =
      write_file("serve-reuse.yaml", fleet_config(fleet_, 3, "", "  reuse_connection: true\n"));
  serve_process p({"-c", path});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  const auto all_checked = [&](int rounds) {
    return eventually([&] {
      for (int i = 0; i < 3; ++i) {
        if (get_json(p, "/api/v1/targets/svc-" + std::to_string(i))["checks"] < rounds) {
          return false;
        }
      }
      return true;
    });
  };
  ASSERT_TRUE(all_checked(4)) << p.log();
  EXPECT_EQ(fleet_.connections_accepted(), 3u);  // one per target, whatever the rounds
  EXPECT_GE(fleet_.requests_served(), 12u);
  EXPECT_EQ(get_json(p, "/api/v1/targets/svc-1")["last"]["connection_reused"], true);
  EXPECT_GE(metric(http_get(p.port(), "/metrics").body, "fleetcheck_reused_connections_total"), 9);

  // A reload that leaves the targets as they were hands their connections to the new
  // configuration: over five more rounds fresh connections would be 15, and closing the kept
  // ones at the reload 3 (plus one per target for a check the reload caught on its way, whose
  // connection goes with it: seen under ASan's timing).
  auto accepted = fleet_.connections_accepted();
  EXPECT_EQ(test_support::http_request(p.port(), "POST", "/-/reload").status, 200);
  auto served = fleet_.requests_served();
  ASSERT_TRUE(eventually([&] { return fleet_.requests_served() >= served + 15; })) << p.log();
  EXPECT_LT(fleet_.connections_accepted() - accepted, 3u);

  // Targets whose URL changed connect afresh, once, and keep that connection.
  std::ofstream(path) << fleet_config(fleet_, 3, "?v=2", "  reuse_connection: true\n");
  accepted = fleet_.connections_accepted();
  EXPECT_EQ(test_support::http_request(p.port(), "POST", "/-/reload").status, 200);
  served = fleet_.requests_served();
  ASSERT_TRUE(eventually([&] { return fleet_.requests_served() >= served + 15; })) << p.log();
  const auto opened = fleet_.connections_accepted() - accepted;
  EXPECT_GE(opened, 3u);
  EXPECT_LE(opened, 6u);
}

TEST_F(serve, reuse_connection_keeps_one_grpc_session_per_target) {
  auto o = test_support::quick_mock(2, 0ms);
  o.protocol = mock::protocol::grpc;
  mock::mock_fleet grpc(o);
  grpc.start();
  const auto path =
      write_file("serve-grpc-reuse.yaml", fleet_config(grpc, 2, "", "  reuse_connection: true\n"));
  serve_process p({"-c", path});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  ASSERT_TRUE(eventually([&] {
    return get_json(p, "/api/v1/targets/svc-0")["checks"] >= 4 &&
           get_json(p, "/api/v1/targets/svc-1")["checks"] >= 4;
  })) << p.log();
  EXPECT_EQ(grpc.connections_accepted(), 2u);  // one per target: every round a new stream
  EXPECT_GE(grpc.requests_served(), 8u);
  const auto last = get_json(p, "/api/v1/targets/svc-0")["last"];
  EXPECT_EQ(last["outcome"], "healthy") << last.dump();
  EXPECT_EQ(last["connection_reused"], true);
  EXPECT_EQ(last["grpc_serving_status"], "SERVING");
}

TEST_F(serve, connections_are_fresh_every_round_by_default) {
  serve_process p({"-c", config_});
  ASSERT_TRUE(p.wait_ready()) << p.log();
  ASSERT_TRUE(eventually([&] { return get_json(p, "/api/v1/targets/svc-0")["checks"] >= 3; }));
  EXPECT_FALSE(get_json(p, "/api/v1/targets/svc-0")["last"].contains("connection_reused"));
  EXPECT_GE(fleet_.connections_accepted(), 6u * 3u - 6u);  // rounds of 6 targets, 1 each
  EXPECT_GE(fleet_.connections_accepted() + 6, fleet_.requests_served());
}

TEST_F(serve, two_shards_cover_every_target_exactly_once) {
  const auto path = write_file("serve-shards.yaml", fleet_config(fleet_, 6));
  serve_process first({"-c", path, "--shard", "0/2"});
  serve_process second({"-c", path, "--shard", "1/2"});
  ASSERT_TRUE(first.wait_ready()) << first.log();
  ASSERT_TRUE(second.wait_ready()) << second.log();
  const auto a = listed_names(first);
  const auto b = listed_names(second);
  EXPECT_EQ(a.size() + b.size(), 6u);
  std::set<std::string> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all.size(), 6u);
}

TEST(serve_cli, bad_flags_are_one_line_and_exit_2) {
  const auto config = write_file("serve-ok.yaml", "targets:\n  - url: http://127.0.0.1:1/\n");
  for (const auto& [flag, value, expected] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--shard", "2/2", "--shard 2/2: expected i/n"},
           {"--listen", "localhost", "--listen localhost: expected host:port"},
           {"--retention", "forever", "--retention forever"},
           {"--log-format", "xml", "--log-format xml: use json or text"}}) {
    const auto r = test_support::run_process(
        {FLEETCHECK_BIN, "serve", "-c", config, "--data-dir", "", flag, value});
    EXPECT_EQ(r.exit_code, 2) << flag;
    EXPECT_THAT(r.err, HasSubstr(expected));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  const auto typo = test_support::run_process({FLEETCHECK_BIN, "serve", "--listne", "x"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("did you mean '--listen'"));
}

TEST_F(serve, a_restart_resumes_each_target_from_the_history) {
  const auto data_dir = ::testing::TempDir() + std::to_string(::getpid()) + "-serve-data";
  std::string since;
  {
    serve_process p({"-c", config_, "--data-dir", data_dir}, false);
    ASSERT_TRUE(p.wait_ready()) << p.log();
    ASSERT_TRUE(eventually([&] { return get_json(p, "/api/v1/targets/svc-1")["checks"] >= 2; }));
    since = get_json(p, "/api/v1/targets/svc-1")["since"].get<std::string>();
    p.signal(SIGTERM);
    ASSERT_EQ(p.wait_exit(5s), 0) << p.log();
  }
  serve_process again({"-c", config_, "--data-dir", data_dir}, false);
  ASSERT_TRUE(again.wait_ready()) << again.log();
  const auto resumed = get_json(again, "/api/v1/targets/svc-1");
  EXPECT_EQ(resumed["state"], "healthy");
  EXPECT_EQ(resumed["since"], since);  // not "since this process started"
  ASSERT_TRUE(eventually([&] { return get_json(again, "/api/v1/targets/svc-1")["checks"] >= 1; }));
  EXPECT_EQ(get_json(again, "/api/v1/targets/svc-1")["since"], since);
  const auto history = get_json(again, "/api/v1/targets/svc-1/history?since=1h");
  EXPECT_GE(history["results"].size(), 2u);
  std::filesystem::remove_all(data_dir);
}
