// The command line as an SRE uses it: flags that never eat targets, values passed verbatim,
// numbers validated, flags over file defaults, atomic -o, streamed NDJSON, our own wording.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mock_fixture.hpp"
#include "run_process.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using test_support::run_process;
using ::testing::HasSubstr;

namespace {

test_support::process_output cli(std::vector<std::string> args) {
  args.insert(args.begin(), FLEETCHECK_BIN);
  return run_process(args, "", {"NO_COLOR=1"});
}

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + std::to_string(::getpid()) + "-" + name;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class cli_flags : public ::testing::Test {
 protected:
  void SetUp() override { fleet_.start(); }
  mock::mock_fleet fleet_{test_support::quick_mock(2)};
};

}  // namespace

TEST_F(cli_flags, repeatable_flags_take_one_value_and_never_swallow_urls) {
  const auto r =
      cli({"check", "--format", "json", "-H", "X-A: b", fleet_.url(0), "--expect-status", "200",
           fleet_.url(1) + "?n=2", "--condition", "[STATUS] == 200", fleet_.url(1) + "?n=3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["results"].size(), 3u);
}

TEST_F(cli_flags, values_pass_through_verbatim_even_in_brackets) {
  const auto r = cli({"validate", "--format", "json", "-H", "X-Tag: [a,b]", "--condition",
                      "[BODY].a == [BODY].b[0]", fleet_.url(0)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto t = nlohmann::json::parse(r.out)["targets"][0];
  EXPECT_EQ(t["http"]["headers"]["X-Tag"], "[a,b]");
  EXPECT_EQ(t["conditions"][0], "[BODY].a == [BODY].b[0]");
}

TEST(cli_numbers, out_of_range_and_non_numbers_are_rejected_naming_the_flag) {
  const auto bad = [](std::vector<std::string> args, const std::string& expected) {
    const auto r = cli(std::move(args));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, HasSubstr(expected));
  };
  bad({"check", "--concurrency", "-5", "http://h/"},
      "--concurrency -5: must be a whole number from 1 to 1000000");
  bad({"check", "--concurrency", "abc", "http://h/"}, "--concurrency abc: must be a whole number");
  bad({"check", "--threads", "100000", "http://h/"},
      "--threads 100000: must be a whole number from 0 to");
  bad({"check", "--retries", "11", "http://h/"},
      "--retries 11: must be a whole number from 0 to 10");
  bad({"check", "--follow-redirects", "x", "http://h/"}, "--follow-redirects x:");
  bad({"check", "--max-header", "0", "http://h/"}, "--max-header: invalid size '0'");
}

TEST(cli_wording, says_it_in_our_words_with_hints) {
  const auto said = [](std::vector<std::string> args) { return cli(std::move(args)).err; };
  EXPECT_EQ(said({"chek"}),
            "fleetcheck: unknown subcommand 'chek' (did you mean 'check'?) (see "
            "'fleetcheck --help')\n");
  EXPECT_THAT(said({}), HasSubstr("missing subcommand: use check, validate"));
  EXPECT_THAT(said({"check", "--timout", "1s", "http://h/"}),
              HasSubstr("check: unknown flag '--timout' (did you mean '--timeout'?)"));
  EXPECT_THAT(said({"check", "127.0.0.1:9000/health"}),
              HasSubstr("argument 1: invalid URL '127.0.0.1:9000/health': no scheme (did you "
                        "mean 'http://127.0.0.1:9000/health'?)"));
  EXPECT_THAT(said({"check", "-c", "/tmp"}), HasSubstr("/tmp: is a directory"));
}

TEST_F(cli_flags, command_line_flags_override_the_files_defaults) {
  const auto file = write_temp(
      "defaults.yaml", "defaults: {timeout: 2s, retries: 2}\ntargets:\n  - url: " + fleet_.url(0) +
                           "\n  - url: " + fleet_.url(1) + "\n    timeout: 5s\n");
  const auto r = cli({"validate", "--format", "json", "-c", file, "--timeout", "300ms"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(doc["targets"][0]["timeout_seconds"].get<double>(), 0.3);
  EXPECT_EQ(doc["targets"][0]["retries"], 2);
  EXPECT_DOUBLE_EQ(doc["targets"][1]["timeout_seconds"].get<double>(), 5.0) << "the target's own";
}

TEST_F(cli_flags, output_file_is_replaced_atomically_and_kept_when_a_run_fails) {
  const auto out = write_temp("report.prom", "previous report\n");
  // A run that fails before checking leaves the previous report as it was.
  EXPECT_EQ(cli({"check", "-o", out, "--timeout", "x", fleet_.url(0)}).exit_code, 2);
  EXPECT_EQ(slurp(out), "previous report\n");
  // While a run is in progress the old report stays readable, whole.
  std::thread run([&] {
    EXPECT_EQ(cli({"check", "-o", out, "--format", "prometheus", fleet_.url(0) + "?delay=600ms"})
                  .exit_code,
              0);
  });
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(slurp(out), "previous report\n");
  run.join();
  EXPECT_THAT(slurp(out), HasSubstr("probe_success{"));
  // A device is written in place, never replaced by a renamed file.
  EXPECT_EQ(cli({"check", "-o", "/dev/null", fleet_.url(0)}).exit_code, 0);
  struct stat null_device {};
  ASSERT_EQ(::stat("/dev/null", &null_device), 0);
  EXPECT_TRUE(S_ISCHR(null_device.st_mode));
  // `-o -` is standard output.
  EXPECT_THAT(cli({"check", "-o", "-", "--format", "prometheus", fleet_.url(0)}).out,
              HasSubstr("probe_success{"));
}

TEST_F(cli_flags, ndjson_streams_each_result_as_it_finishes) {
  const auto command = std::string(FLEETCHECK_BIN) + " check --format ndjson " + fleet_.url(0) +
                       " '" + fleet_.url(1) + "?delay=800ms'";
  const auto started = std::chrono::steady_clock::now();
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char line[4096];
  ASSERT_NE(std::fgets(line, sizeof line, pipe), nullptr);
  const auto first = std::chrono::steady_clock::now() - started;
  std::string rest;
  while (std::fgets(line + 0, sizeof line, pipe) != nullptr) rest += line;
  const auto all = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(::pclose(pipe), 0);
  EXPECT_LT(first, all - 400ms) << "the fast result came out before the slow one finished";
  EXPECT_THAT(rest, HasSubstr("\"summary\""));
}

TEST_F(cli_flags, validate_prints_the_effective_targets_with_secrets_redacted) {
  const auto file = write_temp("secret.yaml", "targets:\n  - name: api\n    url: " + fleet_.url(0) +
                                                  "\n    bearer_token: s3cr3t\n    group: core\n");
  const auto table = cli({"validate", "-c", file});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("1 targets valid"));
  const auto json = cli({"validate", "--format", "json", "-c", file});
  EXPECT_THAT(json.out, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(json.out, HasSubstr("Bearer ****"));
  EXPECT_EQ(nlohmann::json::parse(json.out)["targets"][0]["group"], "core");
  EXPECT_EQ(cli({"validate", "-c", write_temp("bad.yaml", "targets: []\n")}).exit_code, 2);
}

TEST_F(cli_flags, group_selects_targets_and_an_unknown_group_is_an_error) {
  const auto file = write_temp(
      "groups.yaml", "targets:\n  - {name: a, group: core, url: '" + fleet_.url(0) +
                         "'}\n  - {name: b, group: edge, url: '" + fleet_.url(1) + "'}\n");
  const auto r = cli({"check", "--format", "json", "-c", file, "--group", "edge"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["results"].size(), 1u);
  EXPECT_EQ(doc["results"][0]["name"], "b");
  EXPECT_THAT(cli({"check", "-c", file, "--group", "nope"}).err,
              HasSubstr("--group nope: no target is in that group (groups: core, edge)"));
}

TEST_F(cli_flags, only_failed_quiet_and_junit_from_the_command_line) {
  const auto bad = fleet_.url(1) + "?status=503";
  const auto failed = cli({"check", "--format", "json", "--only-failed", fleet_.url(0), bad});
  EXPECT_EQ(failed.exit_code, 1);
  const auto doc = nlohmann::json::parse(failed.out);
  ASSERT_EQ(doc["results"].size(), 1u);
  EXPECT_EQ(doc["results"][0]["http_status"], 503);
  EXPECT_EQ(doc["summary"]["total"], 2) << "the summary still counts every target";
  const auto quiet = cli({"check", "-q", fleet_.url(0), bad});
  EXPECT_EQ(quiet.out.find("TARGET"), std::string::npos);
  EXPECT_THAT(quiet.out, HasSubstr("checked 2 targets: 1 healthy, 1 failed"));
  const auto junit = cli({"check", "--format", "junit", fleet_.url(0), bad});
  EXPECT_THAT(junit.out, HasSubstr("<testsuites name=\"fleetcheck\" tests=\"2\" failures=\"1\""));
  const auto streamed = cli({"check", "--format", "ndjson", "--only-failed", fleet_.url(0), bad});
  EXPECT_EQ(std::count(streamed.out.begin(), streamed.out.end(), '\n'), 2) << streamed.out;
}
