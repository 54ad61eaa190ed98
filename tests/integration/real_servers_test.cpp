// Behaviour that comes from real servers, checked against those servers (Debian's nginx-light and
// redis-server, started by the test on loopback ports of its own). Skipped, saying why, only when
// the server is not installed or cannot start.
#include <unistd.h>

#include <fstream>
#include <memory>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_server.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "mock_fixture.hpp"
#include "test_certs.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace {

std::string scratch_dir(const std::string& name) {
  const auto dir = ::testing::TempDir() + "fleetcheck-" + name + "-" + std::to_string(::getpid());
  std::system(("mkdir -p " + dir).c_str());
  return dir;
}

/// nginx with two TLS names on one port (SNI), a redirect, ~12 KiB of response headers, a gzip'd
/// (chunked) body, and a second port that speaks only HTTP/2 (cleartext, prior knowledge).
class nginx : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto program = test_support::find_program("nginx");
    if (program.empty()) return;
    dir_ = scratch_dir("nginx");
    pki_ = std::make_unique<test_support::test_pki>(dir_ + "/pki");
    const auto a = pki_->issue("a", {"a.test"});
    const auto b = pki_->issue("b", {"b.test"});
    port_ = test_support::free_port();
    h2_port_ = test_support::free_port();
    std::string pad(4000, 'p');
    std::ofstream(dir_ + "/health.json") << std::string(2000, ' ') << R"({"status":"ok"})";
    std::ofstream(dir_ + "/nginx.conf")
        << "worker_processes 1;\nmaster_process off;\ndaemon off;\n"
        << "pid " << dir_ << "/nginx.pid;\nerror_log " << dir_ << "/error.log;\n"
        << "events { worker_connections 64; }\nhttp {\n  access_log off;\n"
        << "  client_body_temp_path " << dir_ << ";\n"
        << "  server {\n    listen 127.0.0.1:" << port_ << " ssl;\n    server_name a.test;\n"
        << "    ssl_certificate " << a.cert << ";\n    ssl_certificate_key " << a.key << ";\n"
        << "    root " << dir_ << ";\n"
        << "    location = /health { default_type application/json; return 200 "
           "'{\"status\":\"ok\"}'; }\n"
        << "    location = /moved { return 301 /health; }\n"
        << "    location = /big { add_header X-Pad-1 " << pad << "; add_header X-Pad-2 " << pad
        << "; add_header X-Pad-3 " << pad << "; return 200 'ok'; }\n"
        << "    location = /health.json { gzip on; gzip_types application/json; gzip_min_length 1; "
           "}\n"
        << "  }\n  server {\n    listen 127.0.0.1:" << port_ << " ssl;\n    server_name b.test;\n"
        << "    ssl_certificate " << b.cert << ";\n    ssl_certificate_key " << b.key << ";\n"
        << "    location / { return 200 'b'; }\n  }\n"
        << "  server {\n    listen 127.0.0.1:" << h2_port_ << " http2;\n"
        << "    location / { return 200 'h2'; }\n  }\n}\n";
    server_ = std::make_unique<test_support::child_server>(
        std::vector<std::string>{program, "-p", dir_, "-c", dir_ + "/nginx.conf"},
        dir_ + "/nginx.out");
    up_ = server_->wait_for_port(port_, 5.0) && server_->wait_for_port(h2_port_, 5.0);
  }
  static void TearDownTestSuite() {
    server_.reset();
    pki_.reset();
  }
  void SetUp() override {
    if (server_ == nullptr)
      GTEST_SKIP() << "nginx is not installed (scripts/bootstrap installs nginx-light)";
    if (!up_) GTEST_SKIP() << "nginx did not start; see " << dir_ << "/nginx.out";
  }

  core::probe_result check(const std::string& path, const std::string& name,
                           core::check_settings s = {}) {
    s.tls.ca_file = pki_->ca_file();
    s.tls.server_name = name;
    s.timeout = 3s;
    const std::vector<core::target> targets{
        test_support::make_target("https://127.0.0.1:" + std::to_string(port_) + path, "t", s)};
    return engine::run_fleet(targets, {}).results.at(0);
  }

  static inline std::string dir_;
  static inline unsigned short port_ = 0, h2_port_ = 0;
  static inline bool up_ = false;
  static inline std::unique_ptr<test_support::test_pki> pki_;
  static inline std::unique_ptr<test_support::child_server> server_;
};

}  // namespace

TEST_F(nginx, sni_selects_the_certificate_and_the_name_is_verified) {
  const auto a = check("/health", "a.test");
  EXPECT_EQ(a.outcome, core::outcome::healthy) << a.error;
  EXPECT_TRUE(a.cert_expires_at.has_value());
  // SNI picks the certificate; nginx routes by the Host header, which the user sets (as with
  // blackbox_exporter and Go, server_name is TLS only).
  core::check_settings host_b;
  host_b.http.request.headers.emplace_back("Host", "b.test");
  const auto b = check("/", "b.test", host_b);
  EXPECT_EQ(b.outcome, core::outcome::healthy) << b.error;
  const auto wrong = check("/health", "c.test");
  EXPECT_EQ(wrong.failure, core::failure::tls_certificate);
  EXPECT_THAT(wrong.error, HasSubstr("TLS: certificate name mismatch"));
}

TEST_F(nginx, redirects_are_an_answer_unless_followed) {
  const auto answered = check("/moved", "a.test");
  EXPECT_EQ(answered.outcome, core::outcome::unhealthy);
  EXPECT_THAT(answered.error, HasSubstr("HTTP 301 Moved Permanently, expected 2xx (redirect to"));
  core::check_settings s;
  s.http.follow_redirects = 1;
  const auto followed = check("/moved", "a.test", s);
  EXPECT_EQ(followed.outcome, core::outcome::healthy) << followed.error;
  EXPECT_EQ(followed.redirects, 1);
}

TEST_F(nginx, twelve_kib_of_response_headers_are_fine) {
  const auto r = check("/big", "a.test");
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
}

TEST_F(nginx, a_gzipped_chunked_body_is_read_to_its_end) {
  core::check_settings s;
  s.http.request.headers.emplace_back("Accept-Encoding", "gzip");
  const auto r = check("/health.json", "a.test", s);
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
}

TEST_F(nginx, an_http2_only_listener_is_named) {
  const std::vector<core::target> targets{
      test_support::make_target("http://127.0.0.1:" + std::to_string(h2_port_) + "/", "h2")};
  const auto r = engine::run_fleet(targets, {}).results.at(0);
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_THAT(r.error, HasSubstr("only HTTP/2"));
}

TEST_F(nginx, grpc_checks_of_a_web_server_say_it_is_not_grpc) {
  core::check_settings s;
  s.timeout = 3s;
  s.tls.ca_file = pki_->ca_file();
  s.tls.server_name = "a.test";
  const std::vector<core::target> targets{
      test_support::make_target("grpc://127.0.0.1:" + std::to_string(h2_port_), "h2c", s),
      test_support::make_target("grpcs://127.0.0.1:" + std::to_string(port_), "tls", s)};
  const auto results = engine::run_fleet(targets, {}).results;
  // HTTP/2 answers 200 without grpc-status; TLS without ALPN h2 (the listener is HTTP/1.1 only).
  EXPECT_EQ(results.at(0).failure, core::failure::malformed_response) << results.at(0).error;
  EXPECT_THAT(results.at(0).error, HasSubstr("the response has no grpc-status: not a gRPC server"));
  EXPECT_EQ(results.at(1).failure, core::failure::tls_handshake) << results.at(1).error;
  EXPECT_EQ(results.at(1).error,
            "TLS: the server refused ALPN h2: not a gRPC "
            "server");
}

TEST(redis, ping_pong_and_noauth_against_the_real_server) {
  const auto program = test_support::find_program("redis-server");
  if (program.empty())
    GTEST_SKIP() << "redis-server is not installed (scripts/bootstrap installs it)";
  const auto dir = scratch_dir("redis");
  const auto open_port = test_support::free_port();
  const auto locked_port = test_support::free_port();
  const auto start = [&](unsigned short port, bool password) {
    std::vector<std::string> argv{program,  "--port", std::to_string(port), "--bind", "127.0.0.1",
                                  "--save", "",       "--appendonly",       "no",     "--dir",
                                  dir};
    if (password) argv.insert(argv.end(), {"--requirepass", "s3cret"});
    return std::make_unique<test_support::child_server>(
        argv, dir + "/redis-" + std::to_string(port) + ".out");
  };
  const auto open = start(open_port, false);
  const auto locked = start(locked_port, true);
  if (!open->wait_for_port(open_port, 5.0) || !locked->wait_for_port(locked_port, 5.0)) {
    GTEST_SKIP() << "redis-server did not start; see " << dir;
  }
  core::check_settings s;
  s.stream.send = "PING\r\n";
  s.stream.expect = "+PONG";
  s.timeout = 5s;
  const std::vector<core::target> targets{
      test_support::make_target("tcp://127.0.0.1:" + std::to_string(open_port), "open", s),
      test_support::make_target("tcp://127.0.0.1:" + std::to_string(locked_port), "locked", s)};
  const auto report = engine::run_fleet(targets, {});
  EXPECT_EQ(report.results[0].outcome, core::outcome::healthy) << report.results[0].error;
  const auto& noauth = report.results[1];
  EXPECT_EQ(noauth.outcome, core::outcome::unhealthy);
  EXPECT_EQ(noauth.error, "expected '+PONG', got '-NOAUTH Authentication required.\\r\\n'");
  EXPECT_LT(noauth.duration_seconds, 2.0) << "not the 5 s timeout";
}
