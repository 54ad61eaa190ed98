// tls:// checks: the handshake with verification, SNI and mTLS against the mock's TLS listener,
// a server that stalls the handshake, and send/expect over TLS against a real `openssl s_server`.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_server.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "mock_fixture.hpp"
#include "run_process.hpp"
#include "test_certs.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

class tls_check : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One directory per process: ctest runs the tests of this suite in parallel processes.
    pki_ = new test_support::test_pki(::testing::TempDir() + "fleetcheck-tls-pki-" +
                                      std::to_string(::getpid()));
  }
  static void TearDownTestSuite() { delete pki_; }

  /// A one-service TLS mock serving `cert`, optionally demanding client certificates, or with a
  /// fault for every connection.
  std::unique_ptr<mock::mock_fleet> serve(const test_support::cert_files& cert,
                                          const std::string& client_ca = "",
                                          mock::fault service_fault = mock::fault::none) {
    auto o = test_support::quick_mock(1, 1ms);
    o = test_support::with_tls(o, cert.cert, cert.key);
    o.client_ca_file = client_ca;
    for (const auto& f : mock::fault_catalog()) {
      if (f.what == service_fault && f.rate != nullptr) o.rates.*f.rate = 1.0;
    }
    auto fleet = std::make_unique<mock::mock_fleet>(o);
    fleet->start();
    return fleet;
  }

  static std::string tls_url(unsigned short port, const std::string& host = "127.0.0.1") {
    return "tls://" + host + ":" + std::to_string(port);
  }

  core::probe_result check(const std::string& url, const core::tls_settings& tls,
                           core::check_settings s = {}) {
    s.tls = tls;
    if (s.timeout == core::check_settings{}.timeout) s.timeout = 2s;
    const std::vector<core::target> targets{test_support::make_target(url, "t", s)};
    return engine::run_fleet(targets, {}).results.at(0);
  }

  core::tls_settings trusting_ca() const {
    core::tls_settings tls;
    tls.ca_file = pki_->ca_file();
    return tls;
  }

  static test_support::test_pki* pki_;
};
test_support::test_pki* tls_check::pki_ = nullptr;

}  // namespace

TEST_F(tls_check, healthy_after_a_verified_handshake_with_version_and_expiry) {
  const auto fleet = serve(pki_->issue("valid", {"localhost", "127.0.0.1"}, -1, 30));
  const auto r = check(tls_url(fleet->ports()[0]), trusting_ca());
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
  EXPECT_EQ(r.http_status, 0);
  EXPECT_GT(r.phases.tls, 0.0);
  EXPECT_THAT(r.tls_version, StartsWith("TLS 1."));
  ASSERT_TRUE(r.cert_expires_at.has_value());
  const auto days_left = static_cast<double>(*r.cert_expires_at - std::time(nullptr)) / 86400.0;
  EXPECT_NEAR(days_left, 30, 1.01);
  // By name too: SNI and host-name verification for "localhost".
  EXPECT_EQ(check(tls_url(fleet->ports()[0], "localhost"), trusting_ca()).outcome,
            core::outcome::healthy);
}

TEST_F(tls_check, conditions_read_connected_ip_and_the_certificate) {
  const auto fleet = serve(pki_->issue("conditions", {"127.0.0.1"}, -1, 30));
  core::check_settings s;
  for (const auto* text : {"[CONNECTED] == true", "[IP] == 127.0.0.1",
                           "[CERTIFICATE_EXPIRATION] > 48h", "[RESPONSE_TIME] < 2000"}) {
    s.conditions.push_back(conditions::condition::parse(text));
  }
  const auto healthy = check(tls_url(fleet->ports()[0]), trusting_ca(), s);
  EXPECT_EQ(healthy.outcome, core::outcome::healthy) << healthy.error;
  s.conditions = {conditions::condition::parse("[CERTIFICATE_EXPIRATION] > 720h")};
  const auto soon = check(tls_url(fleet->ports()[0]), trusting_ca(), s);
  EXPECT_EQ(soon.outcome, core::outcome::unhealthy);
  EXPECT_EQ(soon.failure, core::failure::condition_failed);
}

TEST_F(tls_check, expired_wrong_host_and_self_signed_certificates_are_error_rows) {
  const auto expired = serve(pki_->issue("expired", {"127.0.0.1"}, -30, -1));
  const auto e = check(tls_url(expired->ports()[0]), trusting_ca());
  EXPECT_EQ(e.outcome, core::outcome::error);
  EXPECT_EQ(e.failure, core::failure::tls_certificate);
  EXPECT_EQ(e.error, "TLS: certificate has expired");
  EXPECT_TRUE(e.cert_expires_at.has_value()) << "the expiry is reported even when refused";

  const auto other = serve(pki_->issue("other-host", {"other.example"}));
  const auto w = check(tls_url(other->ports()[0]), trusting_ca());
  EXPECT_EQ(w.outcome, core::outcome::error);
  EXPECT_EQ(w.error, "TLS: certificate name mismatch (not valid for '127.0.0.1')");
  auto named = trusting_ca();
  named.server_name = "other.example";
  EXPECT_EQ(check(tls_url(other->ports()[0]), named).outcome, core::outcome::healthy);

  const auto self = serve(pki_->issue("self", {"127.0.0.1"}, -1, 10, true));
  const auto strict = check(tls_url(self->ports()[0]), {});
  EXPECT_EQ(strict.outcome, core::outcome::error);
  EXPECT_THAT(strict.error, HasSubstr("TLS: self-signed certificate"));
  core::tls_settings insecure;
  insecure.insecure_skip_verify = true;
  const auto relaxed = check(tls_url(self->ports()[0]), insecure);
  EXPECT_EQ(relaxed.outcome, core::outcome::healthy) << relaxed.error;
}

TEST_F(tls_check, mutual_tls_needs_the_client_certificate) {
  const auto fleet = serve(pki_->issue("mtls-server", {"127.0.0.1"}), pki_->ca_file());
  core::check_settings s;
  // TLS 1.3 servers refuse a missing client certificate after the client's handshake is done:
  // only an exchange sees it. Over HTTP, the mock then answers nothing.
  s.stream.send = "GET /health HTTP/1.0\r\n\r\n";
  s.stream.expect = "200";
  const auto without = check(tls_url(fleet->ports()[0]), trusting_ca(), s);
  EXPECT_NE(without.outcome, core::outcome::healthy);
  auto tls = trusting_ca();
  const auto client = pki_->issue("client", {"fleetcheck-client"});
  tls.cert_file = client.cert;
  tls.key_file = client.key;
  const auto with = check(tls_url(fleet->ports()[0]), tls, s);
  EXPECT_EQ(with.outcome, core::outcome::healthy) << with.error;
}

TEST_F(tls_check, a_server_that_stalls_the_handshake_times_out_on_time) {
  const auto fleet = serve(pki_->issue("stall", {"127.0.0.1"}), "", mock::fault::tls_stall);
  core::check_settings s;
  s.timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  const auto r = check(tls_url(fleet->ports()[0]), trusting_ca(), s);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.outcome, core::outcome::timeout);
  EXPECT_EQ(r.failed_phase, core::probe_phase::tls);
  EXPECT_EQ(r.error, "timed out after 300ms while in TLS handshake");
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 5s);  // bounded by the timeout, whatever the machine's load
}

TEST_F(tls_check, a_refused_port_and_a_bad_ca_file_are_error_rows) {
  const auto r = check("tls://127.0.0.1:1", trusting_ca());
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.failure, core::failure::connection_refused);
}

/// A real TLS server: `openssl s_server -rev` answers each line with the line reversed.
TEST_F(tls_check, send_and_expect_over_tls_against_openssl_s_server) {
  const auto program = test_support::find_program("openssl");
  if (program.empty()) GTEST_SKIP() << "openssl is not installed";
  const auto cert = pki_->issue("s-server", {"127.0.0.1"});
  const auto port = test_support::free_port();
  const auto log = ::testing::TempDir() + "fleetcheck-s-server-" + std::to_string(::getpid());
  test_support::child_server server(
      {program, "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert", cert.cert,
       "-key", cert.key, "-rev", "-quiet", "-naccept", "10"},
      log);
  if (!server.wait_for_port(port, 5.0)) GTEST_SKIP() << "s_server did not start; see " << log;
  // wait_for_port's probe connection was the first accept; s_server serves one at a time.
  core::check_settings s;
  s.timeout = 3s;
  s.stream.send = "fleetcheck\n";
  s.stream.expect = "kcehcteelf";
  const auto r = check(tls_url(port), trusting_ca(), s);
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
  EXPECT_THAT(r.tls_version, StartsWith("TLS 1."));
  EXPECT_GT(r.phases.first_byte + r.phases.transfer, 0.0);

  // A wrong reply on a connection the server keeps open is decided once it goes quiet, not at
  // the timeout.
  s.stream.expect = "pong";
  const auto started = std::chrono::steady_clock::now();
  const auto wrong = check(tls_url(port), trusting_ca(), s);
  EXPECT_EQ(wrong.outcome, core::outcome::unhealthy);
  EXPECT_EQ(wrong.failure, core::failure::unexpected_reply);
  EXPECT_EQ(wrong.error, "expected 'pong', got 'kcehcteelf\\n'");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
}

// A Gatus config with tls:// and icmp:// endpoints, checked by the real binary: both are real
// checks now, with Gatus's conditions and client settings.
TEST_F(tls_check, a_gatus_config_with_tls_and_icmp_endpoints_is_checked) {
  const auto fleet = serve(pki_->issue("gatus-self", {"127.0.0.1"}, -1, 10, true));
  const int raw = ::socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  const int datagram = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
  const bool can_ping = raw >= 0 || datagram >= 0;
  if (raw >= 0) ::close(raw);
  if (datagram >= 0) ::close(datagram);
  const auto path = ::testing::TempDir() + std::to_string(::getpid()) + "-gatus-tls.yaml";
  std::ofstream(path) << "endpoints:\n"
                         "  - name: ldaps\n"
                         "    url: \"tls://127.0.0.1:"
                      << fleet->ports()[0]
                      << "\"\n"
                         "    client: {insecure: true, timeout: 2s}\n"
                         "    conditions:\n"
                         "      - \"[CONNECTED] == true\"\n"
                         "      - \"[CERTIFICATE_EXPIRATION] > 48h\"\n"
                         "  - name: strict\n"
                         "    url: \"tls://127.0.0.1:"
                      << fleet->ports()[0]
                      << "\"\n"
                         "    conditions: [\"[CONNECTED] == true\"]\n"
                         "  - name: ping\n"
                         "    url: \"icmp://127.0.0.1\"\n"
                         "    conditions: [\"[CONNECTED] == true\", \"[RESPONSE_TIME] < 2000\"]\n";
  const auto r = test_support::run_process(
      {FLEETCHECK_BIN, "check", "-c", path, "--deadline", "15s", "--format", "json"});
  const auto rows = nlohmann::json::parse(r.out)["results"];
  ASSERT_EQ(rows.size(), 3u) << r.out << r.err;
  EXPECT_EQ(rows[0]["outcome"], "healthy") << rows[0];
  EXPECT_THAT(rows[0]["tls_version"].get<std::string>(), StartsWith("TLS 1."));
  EXPECT_EQ(rows[1]["outcome"], "error") << rows[1];  // Gatus verifies unless client.insecure
  EXPECT_THAT(rows[1]["error"].get<std::string>(), HasSubstr("self-signed"));
  if (can_ping) {
    EXPECT_EQ(rows[2]["outcome"], "healthy") << rows[2];
    EXPECT_FALSE(rows[2]["icmp"]["rtt_seconds"].is_null());
  } else {
    EXPECT_THAT(rows[2]["error"].get<std::string>(), HasSubstr("ICMP needs"));
  }
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("cannot check them yet")));
}
