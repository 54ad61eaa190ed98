#pragma once
// Internal: the client side of TLS for HTTPS checks.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "fleetcheck/core/target.hpp"

using SSL = struct ssl_st;
using SSL_SESSION = struct ssl_session_st;

namespace fleetcheck::probe {

/// One OpenSSL context per distinct TLS setting of the run, built before any check starts: loading
/// the system CA store costs milliseconds and must not happen per check. Contexts are immutable
/// once built and shared by every thread (OpenSSL allows that).
class tls_contexts {
 public:
  /// Builds the contexts `targets` need. Throws core::config_error naming the target when a CA
  /// file, certificate or key cannot be loaded.
  explicit tls_contexts(std::span<const core::target> targets);
  ~tls_contexts();

  /// The context for `settings`; built on first use (redirects to https) under a lock.
  boost::asio::ssl::context& get(const core::tls_settings& settings);

 private:
  std::mutex mutex_;
  std::vector<std::pair<core::tls_settings, std::unique_ptr<boost::asio::ssl::context>>> contexts_;
};

/// TLS sessions by server, so that checks of the same server resume instead of each doing a full
/// handshake: certificate parsing and verification are most of a handshake's CPU in OpenSSL 3.0.
///
/// Checks of one server that start together would all miss the cache, so the first one leads (does
/// the full handshake) and the others wait for the session it yields, which arrives right after its
/// handshake (new-session callback). Waiting is bounded: by the check's deadline, by a short grace
/// once the leader's handshake is done (a server may send no ticket), and not at all once a leader
/// has failed. One per event-loop thread; not thread-safe.
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
  /// After the leader's handshake (ok or not).
  void leader_done(const std::string& key, bool ok);

 private:
  friend int on_new_session(SSL* ssl, SSL_SESSION* session);
  struct server;
  void store(const std::string& key, SSL_SESSION* session);
  static void wake(server& s);

  std::map<std::string, std::unique_ptr<server>, std::less<>> servers_;
};

/// Ties an SSL object to the cache and key its sessions belong to (SSL ex_data); lives as long as
/// the SSL object.
struct session_sink {
  tls_session_cache* cache;
  std::string key;
};
void attach_session_sink(SSL* ssl, session_sink* sink);

/// Sets SNI (for names) and host-name or IP verification on a fresh connection.
void prepare_verification(SSL* ssl, const std::string& host, const core::tls_settings& settings);

/// Why a handshake failed, precisely: "certificate has expired", "self-signed certificate",
/// "certificate is for another name than 'x'", "unknown issuer"...
std::string describe_handshake_failure(SSL* ssl, const boost::system::error_code& ec,
                                       const std::string& verified_name);

/// The earliest notAfter in the chain the server sent, as Unix seconds.
std::optional<std::int64_t> earliest_certificate_expiry(SSL* ssl);

}  // namespace fleetcheck::probe
