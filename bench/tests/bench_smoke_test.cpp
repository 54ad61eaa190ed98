// fleetcheck-bench (the harness behind `fleetcheck bench`) end to end at N=20, and its own failure
// modes: a port in use, a mock that does not come up, a strategy that crashes or overruns. Every
// run is a real child process on loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/bench/child_process.hpp"
#include "fleetcheck/bench/plot.hpp"

namespace {

namespace fs = std::filesystem;
using fleetcheck::bench::exit_kind;
using fleetcheck::bench::process_outcome;

/// A fresh directory for one test, removed afterwards.
class scratch_dir {
 public:
  explicit scratch_dir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("fleetcheck-bench-test-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~scratch_dir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

  /// Writes an executable shell script and returns its path.
  fs::path script(const std::string& name, const std::string& body) const {
    const auto file = path_ / name;
    std::ofstream(file) << "#!/bin/sh\n" << body << '\n';
    fs::permissions(file, fs::perms::owner_all);
    return file;
  }

 private:
  fs::path path_;
};

process_outcome bench(std::vector<std::string> args,
                      std::chrono::seconds limit = std::chrono::seconds(60)) {
  args.insert(args.begin(), FLEETCHECK_BENCH_BIN);
  return fleetcheck::bench::run_measured(args, limit);
}

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

/// The mock answers in 20 ms, so that sequential at N=20 takes half a second. No retries: ctest may
/// run other tests alongside, and these tests check the harness, not the numbers.
const std::vector<std::string> fast = {"--latency",  "20ms",      "--services", "4",
                                       "--no-plots", "--retries", "0"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(bench_harness, measures_every_strategy_at_n20_and_writes_every_file) {
  scratch_dir dir("smoke");
  const auto r =
      bench({"--sizes", "20", "--reps", "1", "--latency", "20ms", "--services", "4", "--strategies",
             "sequential,threads:4,threads:N,event-loop,event-loop-mt,py-asyncio,"
             "py-threads:4,py-sequential",
             "--retries", "0", "--out", dir.path().string()});
  ASSERT_EQ(r.kind, exit_kind::exited) << r.err_tail;
  EXPECT_EQ(r.code, 0) << r.out << r.err_tail;
  for (const auto* name : {"results.md", "results.csv", "results.json", "mock.log"}) {
    EXPECT_TRUE(fs::exists(dir.path() / name)) << name;
  }
  if (!fleetcheck::bench::find_on_path("gnuplot").empty()) {
    EXPECT_TRUE(fs::exists(dir.path() / "wall.png"));
    EXPECT_TRUE(fs::exists(dir.path() / "cpu.png"));
  }
  const auto results = read_json(dir.path() / "results.json");
  ASSERT_EQ(results["cells"].size(), 8u);
  int measured = 0;
  for (const auto& c : results["cells"]) {
    const auto name = c["strategy"].get<std::string>();
    if (c.contains("skipped")) {
      // Only a peer may be skipped, and only when this machine's Python lacks its library.
      EXPECT_EQ(name.rfind("py-", 0), 0u) << name << ": " << c["skipped"];
      continue;
    }
    ++measured;
    EXPECT_EQ(c["summary"]["good_runs"], 1) << name;
    EXPECT_EQ(c["summary"]["ok_min"], 20) << name;
    EXPECT_GT(c["summary"]["wall_seconds_median"].get<double>(), 0.0) << name;
    EXPECT_GT(c["summary"]["max_rss_kib"].get<long>(), 0) << name;
  }
  EXPECT_GE(measured, 5);
  std::ifstream md(dir.path() / "results.md");
  std::stringstream text;
  text << md.rdbuf();
  EXPECT_NE(text.str().find("| event-loop | 20 |"), std::string::npos) << text.str();
}

/// Runs one peer at N=20 (every check healthy, the usual files), or says why it cannot run here.
void expect_peer_measured(const std::string& strategy) {
  scratch_dir dir(strategy);
  const auto r = bench(
      with({"--sizes", "20", "--reps", "1", "--strategies", strategy, "--out", dir.path().string()},
           fast));
  ASSERT_EQ(r.kind, exit_kind::exited) << r.err_tail;
  EXPECT_EQ(r.code, 0) << r.out << r.err_tail;
  const auto cells = read_json(dir.path() / "results.json")["cells"];
  ASSERT_EQ(cells.size(), 1u);
  const auto& c = cells[0];
  ASSERT_FALSE(c.contains("skipped")) << c["skipped"];
  EXPECT_EQ(c["strategy"], strategy);
  EXPECT_EQ(c["summary"]["good_runs"], 1) << c;
  EXPECT_EQ(c["summary"]["ok_min"], 20) << c;
  EXPECT_GT(c["summary"]["max_rss_kib"].get<long>(), 0) << c;
}

TEST(bench_peers, go_nethttp_checks_every_target_at_n20) {
  const auto go_peer = fs::path(FLEETCHECK_BENCH_BIN).parent_path() / "fleetcheck-bench-go-nethttp";
  if (!fs::exists(go_peer)) {
    GTEST_SKIP() << go_peer.string()
                 << " was not built: go was not found when configuring (apt install golang-go, "
                    "then configure and build again)";
  }
  expect_peer_measured("go-nethttp");
}

TEST(bench_peers, the_floor_checks_every_target_at_n20) {
  expect_peer_measured("floor");
}

TEST(bench_peers, curl_parallel_checks_every_target_at_n20) {
  if (fleetcheck::bench::find_on_path("curl").empty()) {
    GTEST_SKIP() << "curl is not installed (apt install curl)";
  }
  expect_peer_measured("curl-parallel");
}

TEST(bench_peers, a_missing_tool_skips_its_cell_and_says_why) {
  scratch_dir dir("missing");
  const auto r = bench(with(
      {"--sizes", "20", "--reps", "1", "--strategies", "event-loop,go-nethttp,curl-parallel",
       "--go-peer", "/nonexistent/go", "--curl", "/nonexistent/curl", "--out", dir.path().string()},
      fast));
  ASSERT_EQ(r.kind, exit_kind::exited) << r.err_tail;
  EXPECT_EQ(r.code, 0) << r.out << r.err_tail;
  const auto cells = read_json(dir.path() / "results.json")["cells"];
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_FALSE(cells[0].contains("skipped")) << cells[0];
  EXPECT_NE(cells[1]["skipped"].get<std::string>().find("/nonexistent/go not found"),
            std::string::npos)
      << cells[1];
  EXPECT_NE(cells[1]["skipped"].get<std::string>().find("apt install golang-go"), std::string::npos)
      << cells[1];
  EXPECT_EQ(cells[2]["skipped"], "/nonexistent/curl not found (apt install curl)") << cells[2];
  EXPECT_NE(r.out.find("go-nethttp      skipped: /nonexistent/go not found"), std::string::npos)
      << r.out;
}

TEST(bench_harness, skips_what_would_take_too_long_and_says_why) {
  scratch_dir dir("skip");
  // Sequential at N=200 with 200 ms each would take 40 s: over --max-run 5s.
  const auto r = bench(with({"--sizes", "200", "--reps", "1", "--strategies", "sequential",
                             "--max-run", "5s", "--out", dir.path().string()},
                            {"--services", "4", "--no-plots", "--retries", "0"}));
  ASSERT_EQ(r.kind, exit_kind::exited);
  EXPECT_EQ(r.code, 0) << r.err_tail;
  const auto cell = read_json(dir.path() / "results.json")["cells"][0];
  ASSERT_TRUE(cell.contains("skipped"));
  EXPECT_NE(cell["skipped"].get<std::string>().find("would take at least 40 s"), std::string::npos)
      << cell["skipped"];
}

TEST(bench_harness, names_the_port_when_the_chosen_base_port_is_in_use) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const auto port = std::to_string(ntohs(address.sin_port));

  scratch_dir dir("port");
  const auto r = bench(with({"--sizes", "20", "--strategies", "event-loop", "--base-port", port,
                             "--out", dir.path().string()},
                            {"--services", "1", "--no-plots"}));
  ::close(fd);
  ASSERT_EQ(r.kind, exit_kind::exited);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err_tail.find("already in use"), std::string::npos) << r.err_tail;
  EXPECT_NE(r.err_tail.find(port), std::string::npos) << r.err_tail;
}

TEST(bench_harness, reports_a_mock_that_exits_or_stays_silent) {
  scratch_dir dir("mock");
  auto r = bench(with({"--sizes", "20", "--strategies", "event-loop", "--mock", "/bin/false",
                       "--out", dir.path().string()},
                      fast));
  ASSERT_EQ(r.kind, exit_kind::exited);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err_tail.find("exited with status 1 before it was ready"), std::string::npos)
      << r.err_tail;

  const auto silent = dir.script("silent-mock", "exec sleep 30");
  r = bench(with({"--sizes", "20", "--strategies", "event-loop", "--mock", silent.string(),
                  "--ready-timeout", "300ms", "--out", dir.path().string()},
                 fast));
  ASSERT_EQ(r.kind, exit_kind::exited);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err_tail.find("did not say it was ready within 300ms"), std::string::npos)
      << r.err_tail;
  EXPECT_LT(r.usage.wall_seconds, 10.0);
}

TEST(bench_harness, reports_a_crashing_client_and_stops_at_larger_n) {
  scratch_dir dir("crash");
  const auto client = dir.script("crashing-client", "kill -SEGV $$");
  const auto r = bench(with({"--sizes", "5,10", "--reps", "2", "--strategies", "event-loop",
                             "--client", client.string(), "--out", dir.path().string()},
                            fast));
  ASSERT_EQ(r.kind, exit_kind::exited);
  EXPECT_EQ(r.code, 1) << r.err_tail;
  const auto cells = read_json(dir.path() / "results.json")["cells"];
  ASSERT_EQ(cells.size(), 2u);
  ASSERT_EQ(cells[0]["runs"].size(), 2u);
  EXPECT_EQ(cells[0]["runs"][0]["status"], "crashed");
  EXPECT_EQ(cells[0]["runs"][0]["detail"], "SIGSEGV");
  EXPECT_NE(cells[1]["skipped"].get<std::string>().find("did not complete at N=5 (crashed"),
            std::string::npos)
      << cells[1];
}

TEST(bench_harness, kills_a_client_that_overruns_its_bound) {
  scratch_dir dir("overrun");
  const auto client = dir.script("stuck-client", "exec sleep 30");
  const auto r =
      bench(with({"--sizes", "5", "--reps", "1", "--strategies", "event-loop", "--client",
                  client.string(), "--run-timeout", "500ms", "--out", dir.path().string()},
                 fast));
  ASSERT_EQ(r.kind, exit_kind::exited);
  EXPECT_EQ(r.code, 1) << r.err_tail;
  EXPECT_LT(r.usage.wall_seconds, 10.0);
  const auto run = read_json(dir.path() / "results.json")["cells"][0]["runs"][0];
  EXPECT_EQ(run["status"], "overran");
  EXPECT_EQ(run["detail"], "killed after 500ms");
  EXPECT_NEAR(run["usage"]["wall_seconds"].get<double>(), 0.5, 0.3);
}

TEST(bench_harness, rejects_an_unknown_strategy_before_starting_anything) {
  const auto r = bench({"--strategies", "event-loop,goroutines"});
  ASSERT_EQ(r.kind, exit_kind::exited);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err_tail.find("unknown strategy 'goroutines'"), std::string::npos) << r.err_tail;
}

TEST(bench_launcher, fleetcheck_bench_runs_the_harness_with_its_own_help) {
  const auto r = fleetcheck::bench::run_measured({FLEETCHECK_BIN, "bench", "--help"},
                                                 std::chrono::seconds(30));
  ASSERT_EQ(r.kind, exit_kind::exited);
  EXPECT_EQ(r.code, 0) << r.err_tail;
  EXPECT_NE(r.out.find("fleetcheck-bench"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--strategies"), std::string::npos) << r.out;

  const auto bad = fleetcheck::bench::run_measured(
      {FLEETCHECK_BIN, "bench", "--strategies", "event-loop,goroutines"}, std::chrono::seconds(30));
  ASSERT_EQ(bad.kind, exit_kind::exited);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err_tail.find("unknown strategy 'goroutines'"), std::string::npos) << bad.err_tail;

  const auto listed =
      fleetcheck::bench::run_measured({FLEETCHECK_BIN, "--help"}, std::chrono::seconds(30));
  EXPECT_NE(listed.out.find("bench"), std::string::npos) << listed.out;
}

TEST(bench_launcher, says_how_to_get_the_harness_when_it_is_not_there) {
  scratch_dir dir("launcher");
  const auto alone = dir.path() / "fleetcheck";
  fs::copy_file(FLEETCHECK_BIN, alone);
  const auto r = fleetcheck::bench::run_measured({alone.string(), "bench", "--quick"},
                                                 std::chrono::seconds(30));
  ASSERT_EQ(r.kind, exit_kind::exited);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err_tail, "fleetcheck: bench: fleetcheck-bench is not installed next to " +
                            alone.string() +
                            " (build with -DFLEETCHECK_BENCH=ON or run scripts/bench)\n");
  EXPECT_EQ(r.out, "");
}

}  // namespace
