// HTTPS checks against the mock with certificates the test makes: verification and its failures,
// --insecure, mTLS, and the certificate expiry in every result.
#include <unistd.h>

#include <ctime>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "mock_fixture.hpp"
#include "test_certs.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace {

class https : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One directory per process: ctest runs the tests of this suite in parallel processes.
    pki_ = new test_support::test_pki(::testing::TempDir() + "fleetcheck-pki-" +
                                      std::to_string(::getpid()));
  }
  static void TearDownTestSuite() { delete pki_; }

  /// A one-service TLS mock serving `cert`; optionally demanding client certificates.
  std::unique_ptr<mock::mock_fleet> serve(const test_support::cert_files& cert,
                                          const std::string& client_ca = "") {
    auto o = test_support::quick_mock();
    o = test_support::with_tls(o, cert.cert, cert.key);
    o.client_ca_file = client_ca;
    auto fleet = std::make_unique<mock::mock_fleet>(o);
    fleet->start();
    return fleet;
  }

  core::probe_result check(const std::string& url, const core::tls_settings& tls) {
    core::check_settings d;
    d.tls = tls;
    d.timeout = 2s;
    const std::vector<core::target> targets{test_support::make_target(url, "t", d)};
    return engine::run_fleet(targets, {}).results.at(0);
  }

  core::tls_settings trusting_ca() const {
    core::tls_settings tls;
    tls.ca_file = pki_->ca_file();
    return tls;
  }

  static test_support::test_pki* pki_;
};
test_support::test_pki* https::pki_ = nullptr;

}  // namespace

TEST_F(https, healthy_with_a_valid_certificate_and_reports_its_expiry) {
  const auto fleet = serve(pki_->issue("valid", {"localhost", "127.0.0.1"}, -1, 30));
  const auto r = check(fleet->url(0), trusting_ca());
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_GT(r.phases.tls, 0.0);
  ASSERT_TRUE(r.cert_expires_at.has_value());
  const auto days_left = static_cast<double>(*r.cert_expires_at - std::time(nullptr)) / 86400.0;
  EXPECT_NEAR(days_left, 30, 1.01);
  // By name too: SNI and host-name verification for "localhost".
  const auto by_name = "https://localhost:" + std::to_string(fleet->ports()[0]) + "/health";
  EXPECT_EQ(check(by_name, trusting_ca()).outcome, core::outcome::healthy);
}

TEST_F(https, expired_certificate_fails_saying_so) {
  const auto fleet = serve(pki_->issue("expired", {"127.0.0.1"}, -30, -1));
  const auto r = check(fleet->url(0), trusting_ca());
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.error, "TLS: certificate has expired");
  EXPECT_TRUE(r.cert_expires_at.has_value());
}

TEST_F(https, wrong_host_name_fails_saying_so) {
  const auto fleet = serve(pki_->issue("other-host", {"other.example"}));
  const auto r = check(fleet->url(0), trusting_ca());
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.error, "TLS: certificate name mismatch (not valid for '127.0.0.1')");
  // server_name makes the same certificate acceptable.
  auto tls = trusting_ca();
  tls.server_name = "other.example";
  EXPECT_EQ(check(fleet->url(0), tls).outcome, core::outcome::healthy);
}

TEST_F(https, self_signed_fails_unless_insecure) {
  const auto fleet = serve(pki_->issue("self", {"127.0.0.1"}, -1, 10, true));
  const auto strict = check(fleet->url(0), {});
  EXPECT_EQ(strict.outcome, core::outcome::error);
  EXPECT_THAT(strict.error, HasSubstr("TLS: self-signed certificate"));
  core::tls_settings insecure;
  insecure.insecure_skip_verify = true;
  const auto relaxed = check(fleet->url(0), insecure);
  EXPECT_EQ(relaxed.outcome, core::outcome::healthy) << relaxed.error;
  EXPECT_TRUE(relaxed.cert_expires_at.has_value());
}

TEST_F(https, unknown_issuer_fails_with_the_system_cas) {
  const auto fleet = serve(pki_->issue("unknown-ca", {"127.0.0.1"}));
  const auto r = check(fleet->url(0), {});
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.error, "TLS: unknown issuer (the certificate's CA is not trusted)");
}

TEST_F(https, mutual_tls_needs_the_client_certificate) {
  const auto fleet = serve(pki_->issue("mtls-server", {"127.0.0.1"}), pki_->ca_file());
  const auto without = check(fleet->url(0), trusting_ca());
  EXPECT_NE(without.outcome, core::outcome::healthy);
  auto tls = trusting_ca();
  const auto client = pki_->issue("client", {"fleetcheck-client"});
  tls.cert_file = client.cert;
  tls.key_file = client.key;
  const auto with = check(fleet->url(0), tls);
  EXPECT_EQ(with.outcome, core::outcome::healthy) << with.error;
}

TEST_F(https, a_missing_ca_file_is_a_config_error_naming_the_target) {
  core::tls_settings tls;
  tls.ca_file = "/nonexistent/ca.pem";
  core::check_settings d;
  d.tls = tls;
  const std::vector<core::target> targets{
      test_support::make_target("https://127.0.0.1:1/health", "secure-api", d)};
  try {
    probe::tls_contexts contexts(targets);
    FAIL();
  } catch (const core::config_error& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("target 'secure-api': TLS: cannot load ca_file '/nonexistent/ca.pem'"));
  }
}

TEST_F(https, checks_of_one_server_share_a_context_and_resume_its_session) {
  const auto fleet = serve(pki_->issue("shared", {"127.0.0.1"}));
  core::check_settings d;
  d.tls = trusting_ca();
  std::vector<core::target> targets;
  for (int i = 0; i < 50; ++i) {
    targets.push_back(test_support::make_target(fleet->url(0) + "?n=" + std::to_string(i),
                                                "t" + std::to_string(i), d));
  }
  const auto report = engine::run_fleet(targets, {}, 1);  // one loop: one session cache
  int resumed = 0;
  for (const auto& r : report.results) {
    EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
    EXPECT_TRUE(r.cert_expires_at.has_value()) << "resumed sessions still report the expiry";
    resumed += r.tls_resumed ? 1 : 0;
  }
  // All 50 start together: one leads with a full handshake, the others resume its session.
  EXPECT_EQ(resumed, 49);
}

TEST_F(https, a_failing_leader_does_not_hold_the_others_back) {
  const auto fleet = serve(pki_->issue("expired-many", {"127.0.0.1"}, -30, -1));
  core::check_settings d;
  d.tls = trusting_ca();
  std::vector<core::target> targets;
  for (int i = 0; i < 20; ++i) {
    targets.push_back(test_support::make_target(fleet->url(0) + "?n=" + std::to_string(i),
                                                "t" + std::to_string(i), d));
  }
  const auto report = engine::run_fleet(targets, {}, 1);
  for (const auto& r : report.results) EXPECT_EQ(r.error, "TLS: certificate has expired");
}
