#pragma once
// Internal: an HTTP/1.1 connection, plain or TLS, and the slot that keeps one open between the
// checks of a target (serve's `reuse_connection`).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/tcp_stream.hpp>

#include "fleetcheck/check/attempt_result.hpp"
#include "probe/tls_handshake.hpp"
#include "probe/tls_session_cache.hpp"

namespace fleetcheck::probe {

/// One open connection of an HTTP check: `plain` for http://, `secure` for https://.
struct http_connection {
  /// Where a fresh TLS connection's sessions go. First, so that it outlives the stream (OpenSSL
  /// may call back into it until the stream is gone); on the heap, so that a move keeps the
  /// address OpenSSL holds.
  std::unique_ptr<tls_session_cache::sink> sink;
  std::optional<boost::beast::tcp_stream> plain;
  std::optional<tls_stream> secure;

  http_connection() = default;
  http_connection(http_connection&& other) noexcept { take_from(other); }
  http_connection& operator=(http_connection&& other) noexcept {
    if (this != &other) {
      plain.reset();
      secure.reset();
      sink.reset();
      take_from(other);
    }
    return *this;
  }
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;
  ~http_connection() = default;

  bool is_open() const { return plain.has_value() || secure.has_value(); }
  boost::beast::tcp_stream& tcp() { return secure ? secure->next_layer() : *plain; }

 private:
  // Beast's streams move but do not move-assign; `other` is left closed (no connection).
  void take_from(http_connection& other) noexcept {
    sink = std::move(other.sink);
    if (other.plain) plain.emplace(std::move(*other.plain));
    if (other.secure) secure.emplace(std::move(*other.secure));
    other.plain.reset();
    other.secure.reset();
  }
};

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
