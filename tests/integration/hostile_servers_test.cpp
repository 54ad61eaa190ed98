// Nothing a server sends may crash fleetcheck or lose another target's result: each way a real
// or broken server misbehaves (the mock's chaos faults, over real loopback sockets) gets its
// precise row, within its timeout.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "mock_fixture.hpp"
#include "run_process.hpp"
#include "test_certs.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace {

class hostile : public ::testing::Test {
 protected:
  void SetUp() override { fleet_.start(); }

  /// One check of the mock's service 0 with `?query`.
  core::probe_result check(const std::string& query, core::check_settings s = {}) {
    if (s.timeout == 2s) s.timeout = 700ms;
    const std::vector<core::target> targets{
        test_support::make_target(fleet_.url(0) + "?" + query, "t", s)};
    return engine::run_fleet(targets, {}).results.at(0);
  }

  mock::mock_fleet fleet_{test_support::quick_mock(1, 5ms)};
};

test_support::process_output cli(std::vector<std::string> args) {
  args.insert(args.begin(), FLEETCHECK_BIN);
  return test_support::run_process(args, "", {"NO_COLOR=1"});
}

}  // namespace

TEST_F(hostile, interim_responses_are_skipped) {
  const auto hints = check("fault=early-hints");
  EXPECT_EQ(hints.outcome, core::outcome::healthy) << hints.error;
  EXPECT_EQ(hints.http_status, 200);
  EXPECT_EQ(check("fault=continue-then-ok").outcome, core::outcome::healthy);
  const auto silent = check("fault=continue-then-nothing");
  EXPECT_EQ(silent.outcome, core::outcome::timeout);
  EXPECT_THAT(silent.error, HasSubstr("timed out after 700ms while reading response ("));
}

TEST_F(hostile, http2_only_servers_are_named) {
  const auto r = check("fault=http2");
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.failure, core::failure::malformed_response);
  EXPECT_THAT(r.error, HasSubstr("the server speaks only HTTP/2"));
}

TEST_F(hostile, large_headers_pass_by_default_and_the_cap_is_settable) {
  EXPECT_EQ(check("fault=huge-headers").outcome, core::outcome::healthy);
  core::check_settings small;
  small.http.max_header_bytes = 8 * 1024;
  const auto r = check("fault=huge-headers", small);
  EXPECT_EQ(r.failure, core::failure::headers_too_large);
  EXPECT_EQ(r.error, "response headers exceed the 8192 byte limit (max_header)");
}

TEST_F(hostile, a_fast_endless_body_is_bounded_by_the_timeout_and_kept_nowhere) {
  core::check_settings s;
  s.http.max_body_bytes = std::size_t{4} << 30;  // the cap would never be reached in time
  s.timeout = 300ms;
  const auto r = check("fault=endless", s);
  EXPECT_EQ(r.outcome, core::outcome::timeout);
  EXPECT_THAT(r.error, HasSubstr("timed out after 300ms while reading response"));
  EXPECT_LT(r.duration_seconds, 1.0) << "the timeout holds while bytes keep arriving";
  // With the default cap the same server is an error as soon as the cap is passed.
  EXPECT_EQ(check("fault=endless").failure, core::failure::body_too_large);
}

TEST_F(hostile, every_way_of_breaking_the_exchange_has_its_row) {
  EXPECT_EQ(check("fault=slowloris").outcome, core::outcome::timeout);
  EXPECT_EQ(check("fault=accept-no-read").outcome, core::outcome::timeout);
  EXPECT_EQ(check("fault=short-body").outcome, core::outcome::timeout);
  EXPECT_THAT(check("fault=short-body-close").error, HasSubstr("connection closed mid-response"));
  EXPECT_EQ(check("fault=close").error, "connection closed by server without a response");
  const auto rst = check("fault=rst-after-headers");
  EXPECT_EQ(rst.outcome, core::outcome::error);
  EXPECT_THAT(rst.failure,
              ::testing::AnyOf(core::failure::connection_reset, core::failure::connection_closed));
}

TEST_F(hostile, invalid_utf8_from_a_server_never_breaks_the_report) {
  for (const std::string format : {"json", "ndjson", "junit", "prometheus", "table"}) {
    const auto out = ::testing::TempDir() + std::to_string(::getpid()) + "-report." + format;
    const auto r = cli({"check", "--format", format, "-o", out,
                        fleet_.url(0) + "?fault=non-utf8-503", fleet_.url(0) + "?fault=non-utf8"});
    EXPECT_EQ(r.exit_code, 1) << format << ": " << r.err;
    std::ifstream in(out);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (format != "prometheus") {
      EXPECT_THAT(text, HasSubstr("Unavailable")) << format;
    }
    EXPECT_THAT(text, HasSubstr("non-utf8-503")) << format;
    if (format == "json") {
      const auto doc = nlohmann::json::parse(text);
      EXPECT_EQ(doc["results"].size(), 2u);
      EXPECT_EQ(doc["results"][0]["error"],
                "HTTP 503 Service \xef\xbf\xbdUnavailable, expected 2xx");
    }
  }
}

TEST(hostile_tcp, a_wrong_answer_on_a_kept_open_connection_is_decided_at_once) {
  auto o = test_support::quick_mock(1);
  o.protocol = mock::protocol::redis_noauth;
  mock::mock_fleet fleet(o);
  fleet.start();
  auto file = config::parse_config(fleet.manifest(), "manifest", {});
  file.targets.at(0).settings.timeout = 5s;
  const auto r = engine::run_fleet(file.targets, {}).results.at(0);
  EXPECT_EQ(r.outcome, core::outcome::unhealthy);
  EXPECT_EQ(r.failure, core::failure::unexpected_reply);
  EXPECT_EQ(r.error, "expected '+PONG', got '-NOAUTH Authentication required.\\r\\n'");
  EXPECT_LT(r.duration_seconds, 2.0) << "decided once the server went quiet, not at the timeout";
}

TEST(hostile_check, an_exception_inside_a_check_is_its_row_and_the_worker_goes_on) {
  // A redirect to https:// with a CA file that is not PEM: the context can only be built (and
  // fail) inside the check. With one worker, the next target must still be checked.
  mock::mock_fleet fleet(test_support::quick_mock(1, 5ms));
  fleet.start();
  const auto not_pem = ::testing::TempDir() + std::to_string(::getpid()) + "-not.pem";
  std::ofstream(not_pem) << "this is not a certificate\n";
  core::check_settings s;
  s.http.follow_redirects = 1;
  s.tls.ca_file = not_pem;
  s.timeout = 3s;
  const std::vector<core::target> targets{
      test_support::make_target(fleet.url(0) + "?redirect=https://127.0.0.1:1/", "redirects", s),
      test_support::make_target(fleet.url(0), "after", s)};
  engine::run_options o;
  o.concurrency = 1;
  const auto report = engine::run_fleet(targets, o);
  EXPECT_EQ(report.results[0].outcome, core::outcome::error);
  EXPECT_THAT(report.results[0].error, HasSubstr("TLS: cannot load ca_file"));
  EXPECT_LT(report.results[0].duration_seconds, 1.0);
  EXPECT_EQ(report.results[1].outcome, core::outcome::healthy) << report.results[1].error;
}

class hostile_tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new test_support::test_pki(::testing::TempDir() + "fleetcheck-hostile-pki-" +
                                      std::to_string(::getpid()));
  }
  static void TearDownTestSuite() { delete pki_; }
  static test_support::test_pki* pki_;
};
test_support::test_pki* hostile_tls::pki_ = nullptr;

TEST_F(hostile_tls, a_close_without_close_notify_is_accepted_where_the_framing_is_complete) {
  auto o = test_support::quick_mock(1, 5ms);
  const auto cert = pki_->issue("hostile", {"127.0.0.1"});
  o = test_support::with_tls(o, cert.cert, cert.key);
  mock::mock_fleet fleet(o);
  fleet.start();
  core::check_settings s;
  s.tls.ca_file = pki_->ca_file();
  s.timeout = 1s;
  std::vector<core::target> targets;
  for (const std::string fault : {"close-no-notify", "close-no-notify-http10",
                                  "close-no-notify-chunked", "short-body-close", "tls-stall"}) {
    targets.push_back(test_support::make_target(fleet.url(0) + "?fault=" + fault, fault, s));
  }
  const auto r = engine::run_fleet(targets, {}).results;
  EXPECT_EQ(r[0].outcome, core::outcome::healthy) << r[0].error;
  EXPECT_EQ(r[1].outcome, core::outcome::healthy) << r[1].error;
  EXPECT_EQ(r[2].outcome, core::outcome::healthy) << r[2].error;
  EXPECT_EQ(r[3].outcome, core::outcome::error) << "an incomplete Content-Length body is not";
  EXPECT_EQ(r[4].outcome, core::outcome::timeout);
}
