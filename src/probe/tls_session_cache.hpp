#pragma once
// Internal: TLS session resumption across checks of the same server.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

using SSL = struct ssl_st;
using SSL_SESSION = struct ssl_session_st;

namespace fleetcheck::probe {

/// TLS sessions by server, so that checks of the same server resume instead of each doing a full
/// handshake: certificate parsing and verification are most of a handshake's CPU in OpenSSL 3.0.
///
/// Checks of one server that start together would all miss the cache, so the first one leads (does
/// the full handshake) and the others wait for the session it yields, which arrives right after its
/// handshake (new-session callback). Waiting is bounded: by the check's deadline, by a short grace
/// once the leader's handshake is done (a server may send no ticket), and not at all for a while
/// after a leader has failed. Daemon-safe: a failed leader is forgotten after `failure_hold` (the
/// next check leads again), expired sessions and sessions whose resumption failed are dropped.
/// One per event-loop thread; not thread-safe.
class tls_session_cache {
 public:
  tls_session_cache();
  ~tls_session_cache();
  tls_session_cache(const tls_session_cache&) = delete;
  tls_session_cache& operator=(const tls_session_cache&) = delete;

  /// Before a handshake of `ssl` with the server `key`: applies a cached session, possibly after
  /// waiting for the leader's. Returns true when this check is the leader.
  boost::asio::awaitable<bool> prepare(SSL* ssl, const std::string& key,
                                       std::chrono::steady_clock::time_point deadline);
  /// After every handshake of `key`: `leader` as prepare() said, `ok` whether it succeeded.
  void handshake_done(const std::string& key, bool leader, bool ok, bool resumed);

  /// Connects `ssl` to this cache under `key`: the sessions it yields are stored there. The sink
  /// must live as long as the SSL object.
  struct sink {
    tls_session_cache* cache;
    std::string key;
  };
  static void attach(SSL* ssl, sink* s);

  static constexpr std::chrono::seconds failure_hold{5};

 private:
  friend int on_new_session(SSL* ssl, SSL_SESSION* session);
  struct server;
  void store(const std::string& key, SSL_SESSION* session);

  std::map<std::string, std::unique_ptr<server>, std::less<>> servers_;
};

}  // namespace fleetcheck::probe
