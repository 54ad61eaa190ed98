#pragma once
// Internal: the client side of TLS for HTTPS checks.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

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

/// TLS sessions by server, so that a later check of the same server resumes instead of doing a full
/// handshake. One per event-loop thread; not thread-safe.
class tls_session_cache {
 public:
  tls_session_cache() = default;
  ~tls_session_cache();
  tls_session_cache(const tls_session_cache&) = delete;
  tls_session_cache& operator=(const tls_session_cache&) = delete;

  void apply(SSL* ssl, const std::string& key);
  void remember(SSL* ssl, const std::string& key);

 private:
  std::map<std::string, SSL_SESSION*, std::less<>> sessions_;
};

/// Sets SNI (for names) and host-name or IP verification on a fresh connection.
void prepare_verification(SSL* ssl, const std::string& host, const core::tls_settings& settings);

/// Why a handshake failed, precisely: "certificate has expired", "self-signed certificate",
/// "certificate is for another name than 'x'", "unknown issuer"...
std::string describe_handshake_failure(SSL* ssl, const boost::system::error_code& ec,
                                       const std::string& verified_name);

/// The earliest notAfter in the chain the server sent, as Unix seconds.
std::optional<std::int64_t> earliest_certificate_expiry(SSL* ssl);

}  // namespace fleetcheck::probe
