// The benchmark's pure logic: strategy names, the skip and repetition rules, statistics, the result
// line and the table. No sockets, no processes.
#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "fleetcheck/bench/client.hpp"
#include "fleetcheck/bench/plan.hpp"
#include "fleetcheck/bench/results.hpp"
#include "fleetcheck/bench/strategy.hpp"
#include "peers.hpp"

namespace {

using namespace fleetcheck::bench;
using namespace std::chrono_literals;

TEST(bench_strategy, parses_every_name_and_canonicalises_pools) {
  EXPECT_EQ(parse_strategy("threads:30").workers, 30u);
  EXPECT_EQ(parse_strategy("threads:n").name, "threads:N");
  EXPECT_EQ(parse_strategy("threads:N").workers, 0u);
  EXPECT_TRUE(parse_strategy("py-threads:100").is_peer());
  EXPECT_FALSE(parse_strategy("event-loop-mt").is_peer());
  EXPECT_EQ(parse_strategy_list("event-loop, sequential,event-loop").size(), 2u);
  EXPECT_EQ(default_strategies().size(), 13u);
}

TEST(bench_strategy, knows_the_floor) {
  const auto floor = parse_strategy("floor");
  EXPECT_EQ(floor.kind, strategy_kind::floor);
  EXPECT_EQ(floor.name, "floor");
  EXPECT_TRUE(floor.is_peer());  // its own program, not fleetcheck-bench-client
  EXPECT_EQ(floor.concurrency(100000), in_flight_cap);
  EXPECT_EQ(floor.threads_needed(1000, 2), 0u);
  EXPECT_THROW(parse_strategy("floor:2"), std::invalid_argument);
  for (const auto& list : {default_strategies(), quick_strategies()}) {
    EXPECT_TRUE(
        std::any_of(list.begin(), list.end(), [](const strategy& s) { return s.name == "floor"; }));
  }
}

TEST(bench_strategy, knows_the_go_and_curl_peers) {
  const auto go = parse_strategy("go-nethttp");
  EXPECT_EQ(go.kind, strategy_kind::go_nethttp);
  EXPECT_EQ(go.name, "go-nethttp");
  EXPECT_TRUE(go.is_peer());
  const auto curl = parse_strategy("curl-parallel");
  EXPECT_EQ(curl.kind, strategy_kind::curl_parallel);
  EXPECT_TRUE(curl.is_peer());
  EXPECT_THROW(parse_strategy("go-nethttp:10"), std::invalid_argument);
  EXPECT_THROW(parse_strategy("curl"), std::invalid_argument);
  for (const auto& list : {default_strategies(), quick_strategies()}) {
    for (const auto* name : {"go-nethttp", "curl-parallel"}) {
      EXPECT_TRUE(std::any_of(list.begin(), list.end(), [&](const strategy& s) {
        return s.name == name;
      })) << name;
    }
  }
  try {
    parse_strategy("goroutines");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("go-nethttp, curl-parallel"), std::string::npos)
        << e.what();
  }
}

TEST(bench_strategy, go_gets_the_common_cap_and_curl_its_own_maximum) {
  EXPECT_EQ(parse_strategy("go-nethttp").concurrency(1000), 1000u);
  EXPECT_EQ(parse_strategy("go-nethttp").concurrency(100000), in_flight_cap);
  EXPECT_EQ(parse_strategy("curl-parallel").concurrency(20), 20u);
  EXPECT_EQ(parse_strategy("curl-parallel").concurrency(1000), curl_parallel_max);
  EXPECT_EQ(curl_parallel_max, 300u);
}

TEST(bench_plan, plans_curl_by_its_300_transfers_at_a_time) {
  // 10,000 checks, 300 at a time: 34 waves of 200 ms.
  const auto p = plan_cell(parse_strategy("curl-parallel"), 10000, plan_settings{}, std::nullopt);
  EXPECT_TRUE(p.skip.empty()) << p.skip;
  EXPECT_NEAR(p.predicted_seconds, 6.8, 1e-9);
  const auto big =
      plan_cell(parse_strategy("curl-parallel"), 100000, plan_settings{}, std::nullopt);
  EXPECT_NE(big.skip.find("would take at least 67 s: 100,000 checks × 200ms, 300 at a time"),
            std::string::npos)
      << big.skip;
  EXPECT_TRUE(
      plan_cell(parse_strategy("go-nethttp"), 100000, plan_settings{}, std::nullopt).skip.empty());
}

TEST(bench_peers, reads_curls_version_line) {
  EXPECT_EQ(parse_curl_version("curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.19"),
            (std::vector<int>{7, 88, 1}));
  EXPECT_EQ(parse_curl_version("curl 8.5 (x86_64)"), (std::vector<int>{8, 5, 0}));
  EXPECT_TRUE(parse_curl_version("Wget 1.21").empty());
  EXPECT_TRUE(parse_curl_version("curl x").empty());
}

TEST(bench_strategy, rejects_bad_names_with_the_list_of_good_ones) {
  EXPECT_THROW(parse_strategy("threads"), std::invalid_argument);
  EXPECT_THROW(parse_strategy("threads:0"), std::invalid_argument);
  EXPECT_THROW(parse_strategy("event-loop:4"), std::invalid_argument);
  try {
    parse_strategy("goroutines");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("event-loop-mt"), std::string::npos);
  }
}

TEST(bench_strategy, caps_concurrency_at_n_and_at_the_in_flight_cap) {
  EXPECT_EQ(parse_strategy("sequential").concurrency(1000), 1u);
  EXPECT_EQ(parse_strategy("threads:100").concurrency(20), 20u);
  EXPECT_EQ(parse_strategy("threads:N").concurrency(5000), 5000u);
  EXPECT_EQ(parse_strategy("event-loop").concurrency(100000), in_flight_cap);
}

TEST(bench_plan, floor_is_latency_times_waves) {
  EXPECT_DOUBLE_EQ(floor_seconds(100, 100, 200ms), 0.2);
  EXPECT_DOUBLE_EQ(floor_seconds(100, 30, 200ms), 0.8);
  EXPECT_DOUBLE_EQ(floor_seconds(1000, 1, 200ms), 200.0);
}

TEST(bench_plan, skips_sequential_past_max_run_and_says_why) {
  const auto p = plan_cell(parse_strategy("sequential"), 1000, plan_settings{}, std::nullopt);
  EXPECT_NE(p.skip.find("would take at least 200 s"), std::string::npos) << p.skip;
  EXPECT_NE(p.skip.find("--max-run 30s"), std::string::npos) << p.skip;
}

TEST(bench_plan, runs_fewer_reps_but_at_least_three_for_a_slow_cell) {
  const auto p = plan_cell(parse_strategy("sequential"), 100, plan_settings{}, std::nullopt);
  EXPECT_TRUE(p.skip.empty());
  EXPECT_DOUBLE_EQ(p.predicted_seconds, 20.0);
  EXPECT_EQ(p.reps, 3);
  EXPECT_GE(p.limit, 60s);
  EXPECT_LT(p.client_deadline, p.limit);
  EXPECT_EQ(plan_cell(parse_strategy("event-loop"), 100, plan_settings{}, std::nullopt).reps, 5);
}

TEST(bench_plan, scales_the_time_above_the_floor_from_the_earlier_size) {
  // 9 s at N=10,000 (floor 0.2 s): ten times the targets, 10 waves of 10,000, about 2 + 88 s.
  const earlier_result e{10000, 9.0, true, ""};
  const auto p = plan_cell(parse_strategy("py-asyncio"), 100000, plan_settings{}, e);
  EXPECT_NE(p.skip.find("would take about 90 s"), std::string::npos) << p.skip;
  const earlier_result quick{10000, 1.0, true, ""};
  EXPECT_TRUE(plan_cell(parse_strategy("event-loop"), 100000, plan_settings{}, quick).skip.empty());
}

TEST(bench_plan, skips_after_a_failure_and_past_the_thread_cap) {
  const earlier_result crashed{1000, 0, false, "crashed: SIGSEGV"};
  EXPECT_EQ(plan_cell(parse_strategy("threads:N"), 10000, plan_settings{}, crashed).skip,
            "did not complete at N=1,000 (crashed: SIGSEGV)");
  EXPECT_NE(plan_cell(parse_strategy("threads:N"), 100000, plan_settings{}, std::nullopt)
                .skip.find("needs 100,000 threads"),
            std::string::npos);
}

TEST(bench_plan, a_fixed_run_timeout_wins) {
  plan_settings s;
  s.run_timeout = 2s;
  EXPECT_EQ(plan_cell(parse_strategy("event-loop"), 100, s, std::nullopt).limit, 2s);
}

run_record good_run(double wall, double cpu, long rss_kib, std::size_t ok) {
  run_record r;
  r.strategy = "event-loop";
  r.n = 100;
  r.usage.wall_seconds = wall;
  r.usage.user_seconds = cpu;
  r.usage.max_rss_kib = rss_kib;
  r.ok = ok;
  r.failed = 100 - ok;
  return r;
}

TEST(bench_results, median_of_odd_and_even_counts) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 2, 3}), 2.5);
  EXPECT_DOUBLE_EQ(median({}), 0);
}

TEST(bench_results, summary_counts_only_runs_that_ended_ok) {
  cell c{
      "event-loop", 100, "", 3, {good_run(0.21, 0.01, 8000, 100), good_run(0.20, 0.02, 9000, 99)}};
  auto crashed = good_run(5, 5, 99999, 0);
  crashed.status = run_status::crashed;
  crashed.detail = "SIGSEGV";
  c.runs.push_back(crashed);
  const auto s = summarize(c);
  EXPECT_EQ(s.runs, 3u);
  EXPECT_EQ(s.good, 2u);
  EXPECT_DOUBLE_EQ(s.wall_min, 0.20);
  EXPECT_DOUBLE_EQ(s.wall_max, 0.21);
  EXPECT_DOUBLE_EQ(s.wall_median, 0.205);
  EXPECT_EQ(s.rss_max_kib, 9000);
  EXPECT_EQ(s.ok_min, 99u);

  bench_report report;
  report.cells.push_back(c);
  report.cells.push_back(cell{"sequential", 1000, "would take at least 200 s", 0, {}});
  const auto table = render_markdown_table(report);
  EXPECT_NE(table.find("| event-loop | 100 | 0.205 [0.200–0.210] |"), std::string::npos) << table;
  EXPECT_NE(table.find("1/3 crashed (SIGSEGV)"), std::string::npos) << table;
  EXPECT_NE(table.find("| sequential | 1,000 | skipped |"), std::string::npos) << table;

  // Every CSV row has the header's columns (none of these fields needs quoting).
  std::ostringstream csv;
  write_csv(csv, report);
  std::istringstream lines(csv.str());
  std::string line;
  std::getline(lines, line);
  const auto columns = std::count(line.begin(), line.end(), ',');
  int rows = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), columns) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 4);
}

TEST(bench_client_output, round_trips_and_ignores_other_lines) {
  client_result r{"threads:10", 100, 98, 2, 2.5, "connection refused"};
  const auto line = to_json_line(r);
  EXPECT_EQ(line.find("{\"strategy\":\"threads:10\",\"n\":100,\"ok\":98"), 0u) << line;
  const auto back = parse_client_output("warning: something\n" + line + "\n");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->ok, 98u);
  EXPECT_EQ(back->failed, 2u);
  EXPECT_EQ(back->first_error, "connection refused");
  EXPECT_FALSE(parse_client_output("Traceback (most recent call last):\n"));
  EXPECT_FALSE(parse_client_output(""));
}

}  // namespace
