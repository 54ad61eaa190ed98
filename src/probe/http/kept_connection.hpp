#pragma once
// Internal: an HTTP connection, plain or TLS, and the slot that keeps one open between the
// checks of a target (serve's `reuse_connection`): HTTP/1.1 for http(s)://, HTTP/2 with its
// session for grpc(s)://.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/tcp_stream.hpp>

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/check_settings.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/classify.hpp"
#include "probe/context.hpp"
#include "probe/tls_handshake.hpp"
#include "probe/tls_session_cache.hpp"

namespace fleetcheck::probe {

namespace grpc {
class health_call;
}

/// One open connection of an HTTP check: `plain` for http://, `secure` for https://.
struct http_connection {
  /// Where a fresh TLS connection's sessions go. First, so that it outlives the stream (OpenSSL
  /// may call back into it until the stream is gone); on the heap, so that a move keeps the
  /// address OpenSSL holds.
  std::unique_ptr<tls_session_cache::sink> sink;
  std::optional<boost::beast::tcp_stream> plain;
  std::optional<tls_stream> secure;
  /// HTTP/2's client session when the connection speaks it (gRPC): the stream ids, the
  /// server's settings and the header compression state go on from one call to the next.
  std::unique_ptr<grpc::health_call> h2;

  http_connection();
  http_connection(http_connection&& other) noexcept;
  http_connection& operator=(http_connection&& other) noexcept;
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;
  ~http_connection();

  bool is_open() const { return plain.has_value() || secure.has_value(); }
  boost::beast::tcp_stream& tcp() { return secure ? secure->next_layer() : *plain; }

 private:
  // Beast's streams move but do not move-assign; `other` is left closed (no connection).
  void take_from(http_connection& other) noexcept;
};

/// A fresh connection to `at` in `c`: resolve, connect and, with a TLS context, the handshake
/// (offering and, when given, requiring the ALPN protocol). Bounded by the deadline.
net::asio::awaitable<std::optional<check::transport_failure>> open_connection(
    http_connection& c, const core::endpoint& at, boost::asio::ssl::context* tls_context,
    const core::check_settings& s, context& ctx, attempt_recorder& record,
    const failure_context& about, std::optional<alpn_requirement> alpn = std::nullopt);

/// Whether a check that failed on a kept connection may go once more on a fresh one: nothing of
/// an answer came back and it did not run out of time. The server closed the connection while
/// it sat idle (its keep-alive timeout raced our request), or the peek before reusing it could
/// not tell: that says nothing about the service. Go's Transport and Envoy retry the same way.
inline bool went_stale(const check::transport_failure& f) {
  return f.bytes_received == 0 && f.kind != core::failure::timeout;
}

/// The connection kept for one target between its checks, with what its handshake said (the
/// address, the certificate's expiry, the TLS version), so that a check on it reports them as a
/// fresh one would. At most one per target. Used from the loop the target runs on only; the
/// connection must be used on that loop's executor.
class kept_connection {
 public:
  /// Keeps `c` after a check whose response left it reusable; `seen` is that check's
  /// observation. A TLS connection stops feeding the session cache: its sink dies here.
  void park(http_connection c, const check::observation& seen);

  /// The kept connection, moved out, when it still looks idle: nothing to read and not closed by
  /// the server (a readable idle socket means a close, a reset, or bytes nobody asked for).
  /// Otherwise closes it and returns nothing. Copies the handshake's facts into `seen` and sets
  /// `seen.connection_reused`.
  std::optional<http_connection> take(check::observation& seen);

  /// Closes the kept connection, if any.
  void close();

  bool holds() const { return connection_.is_open(); }

 private:
  http_connection connection_;
  std::string ip_;
  std::optional<std::int64_t> cert_expires_at_;
  std::string tls_version_;
};

/// Whether an idle connection's socket has nothing to read and is not closed: a peek that would
/// block. Never blocks.
bool looks_idle(boost::beast::tcp_stream& stream);

}  // namespace fleetcheck::probe
