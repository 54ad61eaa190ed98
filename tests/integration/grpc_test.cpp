// grpc:// and grpcs:// checks against the mock's gRPC health services (--protocol grpc): every
// serving status, every fault, TLS with ALPN h2, and servers that do not speak gRPC at all.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/conditions/condition.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "fleetcheck/report/report.hpp"
#include "mock_fixture.hpp"
#include "run_process.hpp"
#include "test_certs.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace {

class grpc_checks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new test_support::test_pki(::testing::TempDir() + "fleetcheck-grpc-pki-" +
                                      std::to_string(::getpid()));
  }
  static void TearDownTestSuite() { delete pki_; }

  static std::unique_ptr<mock::mock_fleet> serve(mock::protocol protocol, bool tls = false) {
    auto o = test_support::quick_mock(1, 1ms);
    o.protocol = protocol;
    if (tls) {
      const auto cert = pki_->issue("grpc", {"127.0.0.1"});
      o = test_support::with_tls(o, cert.cert, cert.key);
    }
    auto fleet = std::make_unique<mock::mock_fleet>(o);
    fleet->start();
    return fleet;
  }

  static core::probe_result check(const std::string& url, core::check_settings s = {}) {
    s.tls.ca_file = pki_->ca_file();
    if (s.timeout == core::check_settings{}.timeout) s.timeout = 2s;
    const std::vector<core::target> targets{test_support::make_target(url, "t", s)};
    return engine::run_fleet(targets, {}).results.at(0);
  }

  static std::string grpc_url(const mock::mock_fleet& fleet, const std::string& service) {
    return fleet.url(0) + (service.empty() ? "" : "/" + service);
  }

  static test_support::test_pki* pki_;
};
test_support::test_pki* grpc_checks::pki_ = nullptr;

}  // namespace

TEST_F(grpc_checks, serving_is_healthy_with_the_grpc_facts) {
  const auto fleet = serve(mock::protocol::grpc);
  EXPECT_EQ(fleet->url(0), "grpc://127.0.0.1:" + std::to_string(fleet->ports()[0]));
  for (const std::string service : {"", "serving"}) {
    const auto r = check(grpc_url(*fleet, service));
    EXPECT_EQ(r.outcome, core::outcome::healthy) << service << ": " << r.error;
    ASSERT_TRUE(r.grpc.has_value());
    EXPECT_EQ(r.grpc->status_code, 0);
    EXPECT_EQ(r.grpc->serving_status, "SERVING");
    EXPECT_FALSE(r.grpc->tls);
    EXPECT_EQ(r.http_status, 0);
    EXPECT_GT(r.phases.first_byte, 0.0);
  }
}

TEST_F(grpc_checks, other_serving_statuses_are_unhealthy_and_named) {
  const auto fleet = serve(mock::protocol::grpc);
  const std::pair<std::string, std::string> cases[] = {{"not-serving", "NOT_SERVING"},
                                                       {"service-unknown", "SERVICE_UNKNOWN"},
                                                       {"unknown", "UNKNOWN"}};
  for (const auto& [service, name] : cases) {
    const auto r = check(grpc_url(*fleet, service));
    EXPECT_EQ(r.outcome, core::outcome::unhealthy) << service;
    EXPECT_EQ(r.failure, core::failure::unexpected_reply) << service;
    EXPECT_EQ(r.error, "serving status " + name);
    ASSERT_TRUE(r.grpc.has_value());
    EXPECT_EQ(r.grpc->serving_status, name);
    EXPECT_EQ(r.grpc->status_code, 0);
  }
}

TEST_F(grpc_checks, a_non_ok_grpc_status_is_an_error_with_its_name_and_message) {
  const auto fleet = serve(mock::protocol::grpc);
  const auto missing = check(grpc_url(*fleet, "no.such.Service"));
  EXPECT_EQ(missing.outcome, core::outcome::error);
  EXPECT_EQ(missing.failure, core::failure::grpc_error);
  EXPECT_EQ(missing.error, "gRPC status 5 NOT_FOUND: unknown service no.such.Service");
  EXPECT_EQ(missing.grpc->status_code, 5);
  EXPECT_EQ(missing.grpc->serving_status, "");
  const auto unimplemented = check(grpc_url(*fleet, "unimplemented"));
  EXPECT_EQ(unimplemented.failure, core::failure::grpc_error);
  // Trailers-only, and grpc-message percent-decoded.
  EXPECT_EQ(unimplemented.error,
            "gRPC status 12 UNIMPLEMENTED: unknown service grpc.health.v1.Health: no health "
            "checks here");
}

TEST_F(grpc_checks, http2_faults_are_precise_error_rows) {
  const auto fleet = serve(mock::protocol::grpc);
  struct expected_row {
    std::string service;
    core::failure failure;
    std::string error;
  };
  const expected_row cases[] = {
      {"rst-stream", core::failure::connection_reset,
       "the server reset the stream (RST_STREAM INTERNAL_ERROR)"},
      {"goaway", core::failure::connection_closed,
       "the server sent GOAWAY (ENHANCE_YOUR_CALM): too many pings"},
      {"http-503", core::failure::malformed_response,
       "HTTP/2 status 503, not 200: not a gRPC answer"},
      {"not-grpc", core::failure::malformed_response,
       "the response has no grpc-status: not a gRPC server (content-type 'text/html')"},
      {"compressed", core::failure::malformed_response,
       "bad HealthCheckResponse: the response message is compressed, though no compression was "
       "offered (grpc-encoding)"},
  };
  for (const auto& c : cases) {
    const auto r = check(grpc_url(*fleet, c.service));
    EXPECT_EQ(r.outcome, core::outcome::error) << c.service;
    EXPECT_EQ(r.failure, c.failure) << c.service << ": " << r.error;
    EXPECT_EQ(r.error, c.error) << c.service;
  }
  const auto garbage = check(grpc_url(*fleet, "garbage"));
  EXPECT_EQ(garbage.outcome, core::outcome::error);
  EXPECT_EQ(garbage.failure, core::failure::malformed_response) << garbage.error;
  EXPECT_THAT(garbage.error, HasSubstr("not a valid HTTP/2 answer: "));
}

TEST_F(grpc_checks, a_server_that_never_answers_times_out_while_waiting) {
  const auto fleet = serve(mock::protocol::grpc);
  core::check_settings s;
  s.timeout = 300ms;
  const auto r = check(grpc_url(*fleet, "hang"), s);
  EXPECT_EQ(r.outcome, core::outcome::timeout);
  EXPECT_EQ(r.error, "timed out after 300ms while waiting for response");
  ASSERT_TRUE(r.grpc.has_value());
  EXPECT_FALSE(r.grpc->status_code.has_value());
}

TEST_F(grpc_checks, an_http1_server_is_an_error) {
  // The mock's HTTP/1.1 parser rejects the HTTP/2 preface and closes without an answer (an
  // HTTP/1.x server that answers is named as such: grpc_health_call_test, real_servers_test).
  const auto fleet = serve(mock::protocol::http);
  const auto url = fleet->url(0);  // http://127.0.0.1:port/health
  const auto r = check("grpc://" + url.substr(7, url.rfind('/') - 7));
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.failure, core::failure::connection_closed) << r.error;
}

TEST_F(grpc_checks, grpcs_offers_h2_and_verifies_the_certificate) {
  const auto fleet = serve(mock::protocol::grpc, true);
  EXPECT_EQ(fleet->url(0), "grpcs://127.0.0.1:" + std::to_string(fleet->ports()[0]));
  const auto first = check(grpc_url(*fleet, "not-serving"));
  EXPECT_EQ(first.outcome, core::outcome::unhealthy) << first.error;
  ASSERT_TRUE(first.grpc.has_value());
  EXPECT_TRUE(first.grpc->tls);
  EXPECT_TRUE(first.cert_expires_at.has_value());
  EXPECT_GT(first.phases.tls, 0.0);
  core::check_settings untrusted;
  untrusted.timeout = 2s;
  untrusted.tls.ca_file = "";
  const std::vector<core::target> targets{test_support::make_target(fleet->url(0), "t", untrusted)};
  const auto r = engine::run_fleet(targets, {}).results.at(0);
  EXPECT_EQ(r.failure, core::failure::tls_certificate) << r.error;
}

TEST_F(grpc_checks, a_tls_server_without_h2_is_an_error) {
  const auto cert = pki_->issue("no-h2", {"127.0.0.1"});
  auto o = test_support::quick_mock(1, 1ms);
  o = test_support::with_tls(o, cert.cert, cert.key);
  mock::mock_fleet fleet(o);  // HTTPS: no ALPN chosen
  fleet.start();
  const auto r = check("grpcs://127.0.0.1:" + std::to_string(fleet.ports()[0]));
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.failure, core::failure::tls_handshake);
  EXPECT_EQ(r.error, "TLS: the server chose no ALPN protocol (h2 was offered): not a gRPC server");
}

TEST_F(grpc_checks, conditions_read_grpc_status_and_status) {
  const auto fleet = serve(mock::protocol::grpc);
  core::check_settings s;
  s.conditions.push_back(conditions::condition::parse("[GRPC_STATUS] == SERVING"));
  s.conditions.push_back(conditions::condition::parse("[STATUS] == 0"));
  s.conditions.push_back(conditions::condition::parse("[CONNECTED] == true"));
  s.conditions.push_back(conditions::condition::parse("[RESPONSE_TIME] < 1500"));
  EXPECT_EQ(check(grpc_url(*fleet, ""), s).outcome, core::outcome::healthy);
  const auto r = check(grpc_url(*fleet, "not-serving"), s);
  EXPECT_EQ(r.outcome, core::outcome::unhealthy);
  EXPECT_THAT(r.failed_conditions,
              ::testing::ElementsAre("[GRPC_STATUS] (NOT_SERVING) == SERVING"));
}

TEST_F(grpc_checks, reports_carry_the_grpc_fields) {
  const auto fleet = serve(mock::protocol::grpc);
  const std::vector<core::target> targets{
      test_support::make_target(grpc_url(*fleet, ""), "ok"),
      test_support::make_target(grpc_url(*fleet, "not-serving"), "down"),
      test_support::make_target(grpc_url(*fleet, "unimplemented"), "none")};
  const auto report = engine::run_fleet(targets, {});
  std::ostringstream json, prom;
  const report::fleet_view view{targets, report.results, report.summary};
  report::render(json, report::format::json, view);
  report::render(prom, report::format::prometheus, view);
  EXPECT_THAT(
      json.str(),
      HasSubstr(R"("grpc_status_code":0,"grpc_serving_status":"SERVING","grpc_ssl":false)"));
  EXPECT_THAT(json.str(), HasSubstr(R"("grpc_status_code":12,"grpc_serving_status":null)"));
  EXPECT_THAT(prom.str(),
              HasSubstr(R"(probe_grpc_healthcheck_response{target="down",url=")" +
                        grpc_url(*fleet, "not-serving") + R"(",serving_status="NOT_SERVING"} 1)"));
  EXPECT_THAT(prom.str(), HasSubstr(R"(probe_grpc_status_code{target="none",url=")" +
                                    grpc_url(*fleet, "unimplemented") + R"("} 12)"));
  EXPECT_THAT(prom.str(), HasSubstr("probe_grpc_ssl{target=\"ok\""));
}

// A Gatus file's grpc:// endpoints, judged as Gatus judges them (client/grpc.go and
// config/endpoint/endpoint.go in TwiN/gatus): the Health/Check answer is [CONNECTED], its serving
// status is [BODY] as {"status":"SERVING"}, and the conditions decide.
TEST_F(grpc_checks, a_gatus_file_with_grpc_endpoints_is_judged_by_its_conditions) {
  const auto fleet = serve(mock::protocol::grpc);
  const auto path = ::testing::TempDir() + std::to_string(::getpid()) + "-gatus-grpc.yaml";
  std::ofstream(path) << "endpoints:\n"
                         "  - name: up\n"
                         "    url: "
                      << fleet->url(0)
                      << "\n"
                         "    conditions: ['[CONNECTED] == true', '[BODY].status == SERVING', "
                         "'[STATUS] == 0']\n"
                         "  - name: wants-not-serving\n"
                         "    url: "
                      << fleet->url(0)
                      << "\n"
                         "    conditions: ['[BODY].status == NOT_SERVING']\n";
  const auto r = test_support::run_process(
      {FLEETCHECK_BIN, "check", "-c", path, "--format", "json", "--timeout", "2s"});
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  const auto rows = nlohmann::json::parse(r.out)["results"];
  ASSERT_EQ(rows.size(), 2u) << r.out;
  EXPECT_EQ(rows[0]["outcome"], "healthy") << rows[0];
  EXPECT_EQ(rows[0]["grpc_serving_status"], "SERVING") << rows[0];
  EXPECT_EQ(rows[1]["outcome"], "unhealthy") << rows[1];
  EXPECT_EQ(rows[1]["failure"], "condition_failed") << rows[1];
  EXPECT_THAT(rows[1]["failed_conditions"].dump(), HasSubstr("SERVING")) << rows[1];
}

// A fleetcheck grpc:// check's [BODY] is the same JSON.
TEST_F(grpc_checks, body_conditions_read_the_serving_status_as_json) {
  const auto fleet = serve(mock::protocol::grpc);
  core::check_settings s;
  s.conditions.push_back(conditions::condition::parse("[BODY].status == SERVING"));
  EXPECT_EQ(check(grpc_url(*fleet, ""), s).outcome, core::outcome::healthy);
  core::check_settings wrong;
  wrong.conditions.push_back(conditions::condition::parse("[BODY].status == UNKNOWN"));
  EXPECT_EQ(check(grpc_url(*fleet, ""), wrong).outcome, core::outcome::unhealthy);
}
