// The fleetcheck and fleetcheck-mock binaries as a user runs them: exit codes, messages, formats.
#include <unistd.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mock_fixture.hpp"
#include "run_process.hpp"

using namespace fleetcheck;
using test_support::run_process;
using ::testing::HasSubstr;

namespace {

test_support::process_output fleetcheck_cli(std::vector<std::string> args,
                                            const std::string& input = "") {
  args.insert(args.begin(), FLEETCHECK_BIN);
  return run_process(args, input, {"NO_COLOR=1"});
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = ::testing::TempDir() + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

/// Bad input: exit 2, one line on stderr that contains `expected`, nothing on stdout.
void expect_bad_input(const std::vector<std::string>& args, const std::string& expected,
                      const std::string& input = "") {
  const auto r = fleetcheck_cli(args, input);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr(expected));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

class cli : public ::testing::Test {
 protected:
  void SetUp() override { fleet_.start(); }
  mock::mock_fleet fleet_{test_support::quick_mock(2)};
};

}  // namespace

TEST_F(cli, exits_0_when_all_healthy_and_prints_a_table) {
  const auto r = fleetcheck_cli({"check", fleet_.url(0), fleet_.url(1)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("TARGET"));
  EXPECT_THAT(r.out, HasSubstr("checked 2 targets: 2 healthy, 0 failed"));
  EXPECT_EQ(r.out.find("\033["), std::string::npos);
}

TEST_F(cli, exits_1_when_any_target_is_not_healthy) {
  const auto r = fleetcheck_cli({"check", fleet_.url(0), fleet_.url(1) + "?status=500"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("1 healthy, 1 failed (1 unhealthy)"));
}

TEST_F(cli, writes_json_to_a_file) {
  const auto path = ::testing::TempDir() + std::to_string(::getpid()) + "-report.json";
  const auto r = fleetcheck_cli({"check", "--format", "json", "-o", path, fleet_.url(0)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  std::ifstream in(path);
  const auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc["summary"]["total"], 1);
  EXPECT_EQ(doc["results"][0]["outcome"], "healthy");
}

TEST_F(cli, reads_a_config_file_and_a_url_list_from_stdin) {
  const auto config = write_temp(
      "fleet.yaml", "deadline: 4s\ntargets:\n  - name: one\n    url: " + fleet_.url(0) + "\n");
  const auto r =
      fleetcheck_cli({"check", "-c", config, "--targets-file", "-", "--format", "ndjson"},
                     "# from stdin\n" + fleet_.url(1) + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(R"("name":"one")"));
  EXPECT_THAT(r.out, HasSubstr(R"("total":2)"));
}

TEST_F(cli, prometheus_output_is_available) {
  const auto r = fleetcheck_cli({"check", "--format", "prometheus", fleet_.url(0)});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("probe_success{target=\"" + fleet_.url(0)));
}

TEST_F(cli, deadline_flag_cuts_the_run_and_exits_1) {
  const auto r = fleetcheck_cli(
      {"check", "--deadline", "100ms", "--format", "json", fleet_.url(0) + "?delay=3s"});
  EXPECT_EQ(r.exit_code, 1);
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["summary"]["deadline_exceeded"], true);
  EXPECT_EQ(doc["results"][0]["outcome"], "deadline");
  EXPECT_LT(r.seconds, 2.0);
}

TEST_F(cli, sigint_cancels_the_run_and_still_reports) {
  const auto r = run_process({"/bin/sh", "-c",
                              std::string(FLEETCHECK_BIN) +
                                  " check --format json --deadline 30s --timeout 20s " +
                                  fleet_.url(0) + " '" + fleet_.url(1) +
                                  "?delay=10s' & pid=$!; sleep 0.6; "
                                  "kill -INT $pid; wait $pid"});
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_THAT(r.err, HasSubstr("interrupted"));
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["results"][0]["outcome"], "healthy");
  EXPECT_EQ(doc["results"][1]["outcome"], "deadline");
  EXPECT_EQ(doc["results"][1]["error"], "interrupted while waiting for response");
  EXPECT_LT(r.seconds, 5.0);
}

TEST(cli_errors, name_the_flag_file_line_or_target) {
  const auto dir = ::testing::TempDir();
  expect_bad_input({"check"}, "no targets");
  expect_bad_input({"check", "not-a-url"}, "argument 1: invalid URL 'not-a-url'");
  expect_bad_input({"check", "ftp://h/"}, "unsupported URL scheme 'ftp'");
  expect_bad_input({"check", "--timeout", "5", "http://h/"}, "--timeout 5: invalid duration");
  expect_bad_input({"check", "--deadline", "0s", "http://h/"}, "--deadline 0s: must be positive");
  expect_bad_input({"check", "--format", "xml", "http://h/"}, "--format: unknown format 'xml'");
  expect_bad_input({"check", "--concurrency", "0", "http://h/"},
                   "--concurrency 0: must be a whole number from 1 to 1000000");
  expect_bad_input({"check", "--concurrency", "many", "http://h/"}, "--concurrency");
  expect_bad_input({"check", "--header", "nocolon", "http://h/"}, "--header 'nocolon'");
  expect_bad_input({"check", "--expect-status", "9xx", "http://h/"}, "--expect-status");
  expect_bad_input({"check", "--bogus", "http://h/"}, "--bogus");
  expect_bad_input({"check", "-c", dir + "missing.yaml"}, "missing.yaml: cannot read config file");
  expect_bad_input(
      {"check", "-c", write_temp("bad.yaml", "targets:\n  - url: http://h/\n    timout: 1s\n")},
      "bad.yaml:3: targets[0]: unknown key 'timout' (did you mean 'timeout'?)");
  expect_bad_input({"check", "-c", write_temp("broken.yaml", "targets: [\n")},
                   "broken.yaml:2: malformed YAML");
  expect_bad_input({"check", "-c", write_temp("empty.yaml", "targets: []\n")},
                   "'targets' is empty");
  expect_bad_input({"check", "--targets-file", "-"}, "no targets", "# only a comment\n");
  expect_bad_input({"check", "--targets-file", "-"}, "<stdin>:2: invalid URL 'nope'",
                   "http://h/\nnope\n");
  expect_bad_input({"check", "-o", "/nonexistent/dir/out.json", "http://h/"},
                   "-o /nonexistent/dir/out.json");
}

TEST(cli_errors, unknown_subcommand_or_none_is_a_usage_error) {
  EXPECT_EQ(fleetcheck_cli({}).exit_code, 2);
  EXPECT_EQ(fleetcheck_cli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(fleetcheck_cli({"--help"}).exit_code, 0);
}

TEST(mock_cli, prints_one_ready_line_and_stops_on_sigterm) {
  const auto r = run_process({"/bin/sh", "-c",
                              std::string(FLEETCHECK_MOCK_BIN) +
                                  " --services 3 --base-port 0 --delay 1ms & pid=$!; sleep 0.5; "
                                  "kill -TERM $pid; wait $pid"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("fleetcheck-mock ready: 3 services on 127.0.0.1 "));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1);
}

TEST(mock_cli, rejects_bad_flags_with_exit_2) {
  const auto r = run_process({FLEETCHECK_MOCK_BIN, "--delay", "fast"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--delay: invalid duration 'fast'"));
}

TEST_F(cli, repeated_urls_are_each_checked_under_distinct_names) {
  const auto r =
      fleetcheck_cli({"check", "--format", "json", fleet_.url(0), fleet_.url(0), fleet_.url(0)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["results"].size(), 3u);
  EXPECT_EQ(doc["results"][1]["name"], fleet_.url(0) + " #2");
  EXPECT_EQ(doc["results"][2]["name"], fleet_.url(0) + " #3");
}
