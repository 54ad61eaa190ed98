// The mock's chaos faults that are about TLS, seen from an OpenSSL client: a ClientHello nobody
// answers, and responses whose end comes without close_notify.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "mock_fixture.hpp"
#include "mock_raw_socket.hpp"
#include "test_certs.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using test_support::get_and_close;
using test_support::raw_socket;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

/// One certificate per test process (ctest runs each test in its own).
const test_support::cert_files& server_cert() {
  static test_support::test_pki pki(::testing::TempDir() + "fleetcheck-chaos-pki-" +
                                    std::to_string(::getpid()));
  static const auto cert = pki.issue("chaos", {"127.0.0.1"});
  return cert;
}

/// A started one-service HTTPS mock whose service has `service_fault`.
std::unique_ptr<mock::mock_fleet> serve_tls(mock::fault service_fault = mock::fault::none) {
  auto o = test_support::quick_mock(1, 1ms);
  o = test_support::with_tls(o, server_cert().cert, server_cert().key);
  for (const auto& f : mock::fault_catalog()) {
    if (f.what == service_fault && f.rate != nullptr) o.rates.*f.rate = 1.0;
  }
  auto fleet = std::make_unique<mock::mock_fleet>(o);
  fleet->start();
  return fleet;
}

/// How a TLS connection ended, as the client saw it.
enum class tls_end { close_notify, eof_without_close_notify, timeout, error };

const char* to_string(tls_end e) {
  switch (e) {
    case tls_end::close_notify:
      return "close_notify";
    case tls_end::eof_without_close_notify:
      return "eof without close_notify";
    case tls_end::timeout:
      return "timeout";
    case tls_end::error:
      return "error";
  }
  return "?";
}

/// A blocking OpenSSL client (no certificate verification) whose every read gives up after
/// `timeout`.
class tls_client {
 public:
  tls_client(std::uint16_t port, std::chrono::milliseconds timeout)
      : socket_(port), ctx_(SSL_CTX_new(TLS_client_method())) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, socket_.fd());
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    timeval tv{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
    ::setsockopt(socket_.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~tls_client() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  tls_client(const tls_client&) = delete;
  tls_client& operator=(const tls_client&) = delete;

  bool handshake() {
    ERR_clear_error();
    return SSL_connect(ssl_) == 1;
  }

  bool send(const std::string& bytes) {
    ERR_clear_error();
    return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) > 0;
  }

  /// Reads until the connection ends or a read times out; `bytes` gets what came.
  tls_end read_to_end(std::string& bytes) {
    char buffer[16 * 1024];
    for (;;) {
      ERR_clear_error();
      const int got = SSL_read(ssl_, buffer, sizeof buffer);
      if (got > 0) {
        bytes.append(buffer, static_cast<std::size_t>(got));
        continue;
      }
      switch (SSL_get_error(ssl_, got)) {
        case SSL_ERROR_ZERO_RETURN:
          return tls_end::close_notify;
        case SSL_ERROR_WANT_READ:
          return tls_end::timeout;
        case SSL_ERROR_SSL:
          return ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING
                     ? tls_end::eof_without_close_notify
                     : tls_end::error;
        case SSL_ERROR_SYSCALL:
          if (errno == EAGAIN || errno == EWOULDBLOCK) return tls_end::timeout;
          return got == 0 ? tls_end::eof_without_close_notify : tls_end::error;
        default:
          return tls_end::error;
      }
    }
  }

  int fd() const { return socket_.fd(); }

 private:
  raw_socket socket_;
  SSL_CTX* ctx_;
  SSL* ssl_ = nullptr;
};

/// Sends `GET /health?query` with Connection: close and reads the whole answer.
tls_end ask(const mock::mock_fleet& fleet, const std::string& query, std::string& bytes) {
  tls_client client(fleet.ports()[0], 1s);
  if (!client.handshake() || !client.send(get_and_close("/health?" + query))) return tls_end::error;
  return client.read_to_end(bytes);
}

constexpr std::string_view ok_body = R"({"status":"ok"})";

}  // namespace

TEST(mock_chaos, tls_stall_never_answers_the_client_hello) {
  const auto fleet = serve_tls(mock::fault::tls_stall);
  tls_client client(fleet->ports()[0], 300ms);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(client.handshake());
  EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);  // timed out, not refused
  char byte = 0;
  EXPECT_EQ(::recv(client.fd(), &byte, 1, MSG_DONTWAIT | MSG_PEEK), -1);  // nothing came at all
  EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << errno;
}

TEST(mock_chaos, close_and_accept_no_read_act_before_the_tls_handshake) {
  {
    const auto fleet = serve_tls(mock::fault::close);
    tls_client client(fleet->ports()[0], 1s);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(client.handshake());
    EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);  // closed, not timed out
  }
  const auto fleet = serve_tls(mock::fault::accept_no_read);
  tls_client client(fleet->ports()[0], 300ms);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(client.handshake());
  EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);
}

TEST(mock_chaos, close_no_notify_ends_tls_without_close_notify) {
  const auto fleet = serve_tls();
  std::string normal;
  EXPECT_EQ(ask(*fleet, "", normal), tls_end::close_notify);  // the contrast: a clean close
  EXPECT_THAT(normal, EndsWith(ok_body));

  std::string bytes;
  const auto end = ask(*fleet, "fault=close-no-notify", bytes);
  EXPECT_EQ(end, tls_end::eof_without_close_notify) << to_string(end);
  EXPECT_THAT(bytes, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(bytes, HasSubstr("\r\nContent-Length: 15\r\n"));
  EXPECT_THAT(bytes, EndsWith(ok_body));
}

TEST(mock_chaos, close_no_notify_http10_delimits_the_body_by_a_close_without_notify) {
  const auto fleet = serve_tls();
  std::string bytes;
  const auto end = ask(*fleet, "fault=close-no-notify-http10", bytes);
  EXPECT_EQ(end, tls_end::eof_without_close_notify) << to_string(end);
  EXPECT_EQ(bytes, std::string("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n") +
                       std::string(ok_body));
}

TEST(mock_chaos, close_no_notify_chunked_ends_the_last_chunk_without_notify) {
  const auto fleet = serve_tls();
  std::string bytes;
  const auto end = ask(*fleet, "fault=close-no-notify-chunked", bytes);
  EXPECT_EQ(end, tls_end::eof_without_close_notify) << to_string(end);
  EXPECT_THAT(bytes, HasSubstr("\r\nTransfer-Encoding: chunked\r\n"));
  EXPECT_THAT(bytes, EndsWith("\r\nf\r\n" + std::string(ok_body) + "\r\n0\r\n\r\n"));
}

TEST(mock_chaos, tls_faults_after_the_handshake_run_inside_tls) {
  const auto fleet = serve_tls();
  std::string rst;
  EXPECT_EQ(ask(*fleet, "fault=rst-after-headers", rst), tls_end::error);
  EXPECT_THAT(rst, HasSubstr("\r\nContent-Length: 100\r\n"));
  std::string hints;
  EXPECT_EQ(ask(*fleet, "fault=early-hints", hints), tls_end::close_notify);
  EXPECT_THAT(hints, StartsWith("HTTP/1.1 103 Early Hints\r\n"));
  // Per request, tls-stall comes after the handshake: it stops like accept-no-read.
  tls_client client(fleet->ports()[0], 300ms);
  ASSERT_TRUE(client.handshake());
  ASSERT_TRUE(client.send(get_and_close("/health?fault=tls-stall")));
  std::string nothing;
  EXPECT_EQ(client.read_to_end(nothing), tls_end::timeout);
  EXPECT_EQ(nothing, "");
}
