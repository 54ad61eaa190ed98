#include "probe/http/kept_connection.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <openssl/ssl.h>

namespace fleetcheck::probe {

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
