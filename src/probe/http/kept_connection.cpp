#include "probe/http/kept_connection.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/this_coro.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include "probe/connect.hpp"
#include "probe/grpc/health_call.hpp"

namespace fleetcheck::probe {

http_connection::http_connection() = default;
http_connection::~http_connection() = default;

http_connection::http_connection(http_connection&& other) noexcept {
  take_from(other);
}

http_connection& http_connection::operator=(http_connection&& other) noexcept {
  if (this != &other) {
    h2.reset();
    plain.reset();
    secure.reset();
    sink.reset();
    take_from(other);
  }
  return *this;
}

void http_connection::take_from(http_connection& other) noexcept {
  sink = std::move(other.sink);
  h2 = std::move(other.h2);
  if (other.plain) plain.emplace(std::move(*other.plain));
  if (other.secure) secure.emplace(std::move(*other.secure));
  other.plain.reset();
  other.secure.reset();
}

net::asio::awaitable<std::optional<check::transport_failure>> open_connection(
    http_connection& c, const core::endpoint& at, boost::asio::ssl::context* tls_context,
    const core::check_settings& s, context& ctx, attempt_recorder& record,
    const failure_context& about, std::optional<alpn_requirement> alpn) {
  boost::beast::tcp_stream tcp(co_await net::asio::this_coro::executor);
  if (const auto ec = co_await resolve_and_connect(tcp, at, ctx, record, !s.conditions.empty())) {
    co_return classify(ec, record.current(), 0, about);
  }
  if (tls_context == nullptr) {
    c.plain.emplace(std::move(tcp));
    co_return std::nullopt;
  }
  c.sink = std::make_unique<tls_session_cache::sink>(
      session_sink(ctx, at, s.tls, tls_context, alpn ? alpn->protocol : std::string_view{}));
  c.secure.emplace(std::move(tcp), *tls_context);
  co_return co_await tls_handshake(*c.secure, *c.sink, at, s.tls, ctx, record, about, alpn);
}

bool looks_idle(boost::beast::tcp_stream& stream) {
  auto& socket = stream.socket();
  if (!socket.is_open()) return false;
  char byte = 0;
  const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // 0: the server closed (FIN); > 0: bytes between responses (a TLS alert, an unasked-for
  // answer); an error other than "would block": a reset. Only silence is idle.
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void kept_connection::park(http_connection c, const check::observation& seen) {
  if (c.secure) tls_session_cache::attach(c.secure->native_handle(), nullptr);
  c.sink.reset();
  connection_ = std::move(c);
  ip_ = seen.ip;
  cert_expires_at_ = seen.cert_expires_at;
  tls_version_ = seen.tls_version;
}

std::optional<http_connection> kept_connection::take(check::observation& seen) {
  if (!connection_.is_open()) return std::nullopt;
  const bool idle = looks_idle(connection_.tcp()) &&
                    (!connection_.secure || SSL_pending(connection_.secure->native_handle()) == 0);
  if (!idle) {
    close();
    return std::nullopt;
  }
  seen.ip = ip_;
  seen.cert_expires_at = cert_expires_at_;
  seen.tls_version = tls_version_;
  seen.connection_reused = true;
  return std::move(connection_);
}

void kept_connection::close() {
  // No TLS close_notify: it would be a write, and a write may block on a full buffer; the server
  // sees a FIN, as from a client that went away.
  connection_ = http_connection{};  // the streams close as they go
}

}  // namespace fleetcheck::probe
