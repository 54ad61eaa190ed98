// The one judge every protocol's attempt goes through: values in, verdict out.
#include "fleetcheck/check/judge.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace fleetcheck;
using ::testing::ElementsAre;

namespace {

constexpr std::int64_t now_unix = 1'800'000'000;

check::attempt_result answered(int status, std::string text = "") {
  check::attempt_result a;
  a.seen.status = status;
  a.seen.status_text = text.empty() ? std::to_string(status) : std::move(text);
  a.seconds = 0.2;
  return a;
}

check::attempt_result failed(core::failure kind, core::probe_phase phase, std::string message,
                             std::size_t bytes = 0) {
  check::attempt_result a;
  a.failed = check::transport_failure{kind, phase, std::move(message), bytes};
  return a;
}

core::check_settings with_conditions(std::initializer_list<const char*> texts) {
  core::check_settings s;
  for (const auto* t : texts) s.conditions.push_back(conditions::condition::parse(t));
  return s;
}

}  // namespace

TEST(judge, a_2xx_answer_is_healthy_by_default) {
  const auto v = check::judge({}, answered(204), core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(v.outcome, core::outcome::healthy);
  EXPECT_EQ(v.failure, core::failure::none);
  EXPECT_EQ(v.message, "");
}

TEST(judge, an_unexpected_status_is_unhealthy_with_the_status_line) {
  const auto v = check::judge({}, answered(503, "503 Service Unavailable"),
                              core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(v.outcome, core::outcome::unhealthy);
  EXPECT_EQ(v.failure, core::failure::unexpected_status);
  EXPECT_EQ(v.message, "HTTP 503 Service Unavailable, expected 2xx");
}

TEST(judge, an_unfollowed_redirect_says_how_to_follow_it) {
  auto a = answered(302, "302 Found");
  a.seen.location = "/login";
  const auto v = check::judge({}, a, core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(v.message,
            "HTTP 302 Found, expected 2xx (redirect to '/login' not followed: set "
            "follow_redirects)");
  core::check_settings s;
  s.http.follow_redirects = 2;
  EXPECT_EQ(check::judge(s, a, core::deadline_reason::timeout, now_unix).message,
            "HTTP 302 Found, expected 2xx (more than 2 redirects)");
}

TEST(judge, conditions_decide_unless_expect_status_is_explicit) {
  auto s = with_conditions({"[STATUS] == 503"});
  EXPECT_EQ(check::judge(s, answered(503), core::deadline_reason::timeout, now_unix).outcome,
            core::outcome::healthy);
  s.http.expect_status.add("200");
  const auto v = check::judge(s, answered(503, "503 Service Unavailable"),
                              core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(v.outcome, core::outcome::unhealthy);
  EXPECT_EQ(v.failure, core::failure::unexpected_status);
}

TEST(judge, lists_every_failed_condition_with_its_actual_value) {
  const auto s =
      with_conditions({"[STATUS] == 200", "[BODY].status == ok", "[RESPONSE_TIME] < 100"});
  auto a = answered(503);
  a.seen.body = R"({"status":"down"})";
  const auto v = check::judge(s, a, core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(v.outcome, core::outcome::unhealthy);
  EXPECT_EQ(v.failure, core::failure::condition_failed);
  EXPECT_THAT(v.failed_conditions,
              ElementsAre("[STATUS] (503) == 200", "[BODY].status (down) == ok",
                          "[RESPONSE_TIME] (200) < 100"));
  EXPECT_EQ(v.message,
            "[STATUS] (503) == 200; [BODY].status (down) == ok; [RESPONSE_TIME] (200) < 100");
}

TEST(judge, certificate_expiry_is_measured_from_the_given_clock) {
  const auto s = with_conditions({"[CERTIFICATE_EXPIRATION] > 48h"});
  auto a = answered(200);
  a.seen.cert_expires_at = now_unix + 24 * 3600;
  EXPECT_EQ(check::judge(s, a, core::deadline_reason::timeout, now_unix).outcome,
            core::outcome::unhealthy);
  EXPECT_EQ(check::judge(s, a, core::deadline_reason::timeout, now_unix - 2 * 86400).outcome,
            core::outcome::healthy);
}

TEST(judge, a_wrong_answer_is_unhealthy_whatever_the_protocol) {
  check::attempt_result a;
  a.seen.wrong_answer = "expected '+PONG', got '-NOAUTH Authentication required.\\r\\n'";
  const auto v = check::judge({}, a, core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(v.outcome, core::outcome::unhealthy);
  EXPECT_EQ(v.failure, core::failure::unexpected_reply);
  EXPECT_EQ(v.message, *a.seen.wrong_answer);
}

TEST(judge, transport_failures_are_errors_with_the_probe_message) {
  const auto v = check::judge(
      {},
      failed(core::failure::connection_refused, core::probe_phase::connect, "connection refused"),
      core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(v.outcome, core::outcome::error);
  EXPECT_EQ(v.failure, core::failure::connection_refused);
  EXPECT_EQ(v.message, "connection refused");
}

TEST(judge, timeouts_are_worded_by_what_ran_out) {
  core::check_settings s;
  s.timeout = std::chrono::seconds(1);
  const auto t = failed(core::failure::timeout, core::probe_phase::transfer, "", 79);
  const auto own = check::judge(s, t, core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(own.outcome, core::outcome::timeout);
  EXPECT_EQ(own.message, "timed out after 1s while reading response (79 bytes received)");
  const auto run = check::judge(s, t, core::deadline_reason::run, now_unix);
  EXPECT_EQ(run.outcome, core::outcome::deadline);
  EXPECT_EQ(run.failure, core::failure::deadline);
  EXPECT_EQ(run.message, "deadline reached while reading response (79 bytes received)");
  const auto stop = check::judge(s, failed(core::failure::timeout, core::probe_phase::connect, ""),
                                 core::deadline_reason::interrupted, now_unix);
  EXPECT_EQ(stop.failure, core::failure::interrupted);
  EXPECT_EQ(stop.message, "interrupted while connecting");
}

TEST(judge, a_grpc_answer_is_judged_by_its_serving_status_not_expect_status) {
  check::attempt_result serving;
  serving.seen.grpc = core::grpc_facts{false, 0, "SERVING"};
  core::check_settings s;
  s.http.expect_status.add("200");  // an HTTP setting inherited from defaults: not for gRPC
  EXPECT_EQ(check::judge(s, serving, core::deadline_reason::timeout, now_unix).outcome,
            core::outcome::healthy);
  auto down = serving;
  down.seen.grpc->serving_status = "NOT_SERVING";
  down.seen.wrong_answer = "serving status NOT_SERVING";
  const auto v = check::judge({}, down, core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(v.outcome, core::outcome::unhealthy);
  EXPECT_EQ(v.failure, core::failure::unexpected_reply);
  EXPECT_EQ(v.message, "serving status NOT_SERVING");
}

TEST(judge, grpc_conditions_read_the_serving_status_and_the_grpc_status) {
  check::attempt_result a;
  a.seen.grpc = core::grpc_facts{true, 0, "SERVING"};
  a.seconds = 0.05;
  const auto ok = with_conditions({"[GRPC_STATUS] == SERVING", "[STATUS] == 0",
                                   "[CONNECTED] == true", "[RESPONSE_TIME] < 100"});
  EXPECT_EQ(check::judge(ok, a, core::deadline_reason::timeout, now_unix).outcome,
            core::outcome::healthy);
  const auto v = check::judge(with_conditions({"[GRPC_STATUS] == NOT_SERVING"}), a,
                              core::deadline_reason::timeout, now_unix);
  EXPECT_THAT(v.failed_conditions, ElementsAre("[GRPC_STATUS] (SERVING) == NOT_SERVING"));
}

TEST(judge, a_grpc_error_is_an_error_row) {
  const auto v = check::judge({},
                              failed(core::failure::grpc_error, core::probe_phase::transfer,
                                     "gRPC status 12 UNIMPLEMENTED"),
                              core::deadline_reason::timeout, now_unix);
  EXPECT_EQ(v.outcome, core::outcome::error);
  EXPECT_EQ(v.failure, core::failure::grpc_error);
}
