#include "probe/tls_client.hpp"

#include <ctime>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "fleetcheck/core/config_error.hpp"

namespace fleetcheck::probe {

namespace ssl = boost::asio::ssl;

int on_new_session(SSL* ssl, SSL_SESSION* session);

namespace {

int sink_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::unique_ptr<ssl::context> build_context(const core::tls_settings& s) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3);
  boost::system::error_code ec;
  if (!s.ca_file.empty()) {
    ctx->load_verify_file(s.ca_file, ec);
    if (ec)
      throw std::runtime_error(
          fmt::format("cannot load ca_file '{}': {}", s.ca_file, ec.message()));
  } else {
    ctx->set_default_verify_paths(ec);
    if (ec) throw std::runtime_error(fmt::format("cannot load the system CAs: {}", ec.message()));
  }
  if (!s.cert_file.empty()) {
    ctx->use_certificate_chain_file(s.cert_file, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot load cert_file '{}': {}", s.cert_file, ec.message()));
    }
    ctx->use_private_key_file(s.key_file, ssl::context::pem, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot load key_file '{}': {}", s.key_file, ec.message()));
    }
  }
  // Hand every new client session to tls_session_cache as soon as it arrives; OpenSSL's own
  // internal cache is not used (SSL_SESS_CACHE_NO_INTERNAL), ours is per thread and lock-free.
  SSL_CTX_set_session_cache_mode(ctx->native_handle(),
                                 SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx->native_handle(), on_new_session);
  return ctx;
}

}  // namespace

tls_contexts::tls_contexts(std::span<const core::target> targets) {
  for (const auto& t : targets) {
    if (t.kind != core::target_kind::https) continue;
    try {
      get(t.tls);
    } catch (const std::runtime_error& e) {
      throw core::config_error(fmt::format("{}: target '{}': TLS: {}", t.origin, t.name, e.what()));
    }
  }
}

tls_contexts::~tls_contexts() = default;

ssl::context& tls_contexts::get(const core::tls_settings& settings) {
  std::lock_guard lock(mutex_);
  for (auto& [s, ctx] : contexts_) {
    if (s == settings) return *ctx;
  }
  contexts_.emplace_back(settings, build_context(settings));
  return *contexts_.back().second;
}

struct tls_session_cache::server {
  SSL_SESSION* session = nullptr;
  bool leader_active = false;
  bool leader_failed = false;
  std::optional<std::chrono::steady_clock::time_point> grace_until;
  std::vector<boost::asio::steady_timer*> waiters;
};

tls_session_cache::tls_session_cache() = default;

tls_session_cache::~tls_session_cache() {
  for (auto& [key, s] : servers_) {
    if (s->session != nullptr) SSL_SESSION_free(s->session);
  }
}

void tls_session_cache::wake(server& s) {
  for (auto* waiter : s.waiters) waiter->cancel();
  s.waiters.clear();
}

boost::asio::awaitable<bool> tls_session_cache::prepare(
    SSL* ssl, const std::string& key, std::chrono::steady_clock::time_point deadline) {
  auto& slot = servers_[key];
  if (!slot) slot = std::make_unique<server>();
  server& s = *slot;  // stable: entries are never erased while the cache lives
  for (;;) {
    if (s.session != nullptr) {
      SSL_set_session(ssl, s.session);
      co_return false;
    }
    if (s.leader_failed) co_return false;  // no waiting behind a server that fails handshakes
    if (!s.leader_active) {
      s.leader_active = true;
      co_return true;
    }
    const auto until = s.grace_until ? std::min(deadline, *s.grace_until) : deadline;
    if (std::chrono::steady_clock::now() >= until) co_return false;
    boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor, until);
    s.waiters.push_back(&wait);
    co_await wait.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    std::erase(s.waiters, &wait);
  }
}

void tls_session_cache::leader_done(const std::string& key, bool ok) {
  const auto it = servers_.find(key);
  if (it == servers_.end()) return;
  server& s = *it->second;
  if (ok) {
    // The session ticket follows the handshake within a round-trip if the server sends one, but a
    // loop busy with hundreds of handshakes may take a while to read it: 20 ms let 40% of the
    // followers give up at 1,000 checks, 100 ms none.
    s.grace_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  } else {
    s.leader_failed = true;
  }
  wake(s);
}

void tls_session_cache::store(const std::string& key, SSL_SESSION* session) {
  auto& slot = servers_[key];
  if (!slot) slot = std::make_unique<server>();
  if (slot->session != nullptr) SSL_SESSION_free(slot->session);
  slot->session = session;
  wake(*slot);
}

void attach_session_sink(SSL* ssl, session_sink* sink) {
  SSL_set_ex_data(ssl, sink_index(), sink);
}

int on_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* sink = static_cast<session_sink*>(SSL_get_ex_data(ssl, sink_index()));
  if (sink == nullptr || SSL_SESSION_is_resumable(session) == 0) return 0;
  sink->cache->store(sink->key, session);
  return 1;  // we own the reference now
}

void prepare_verification(SSL* ssl, const std::string& host, const core::tls_settings& settings) {
  const std::string& name = settings.server_name.empty() ? host : settings.server_name;
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(name, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(ssl, name.c_str());  // SNI carries names, never IPs
  if (settings.insecure_skip_verify) {
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    return;
  }
  SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (not_ip) {
    X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
  }
}

std::string describe_handshake_failure(SSL* ssl, const boost::system::error_code& ec,
                                       const std::string& verified_name) {
  const long verify = SSL_get_verify_result(ssl);
  switch (verify) {
    case X509_V_OK:
      break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "TLS: certificate has expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "TLS: certificate is not yet valid";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return "TLS: self-signed certificate (not trusted; use ca_file, or --insecure to skip "
             "verification)";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "TLS: unknown issuer (the certificate's CA is not trusted)";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return fmt::format("TLS: certificate name mismatch (not valid for '{}')", verified_name);
    default:
      return fmt::format("TLS: certificate verification failed: {}",
                         X509_verify_cert_error_string(verify));
  }
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    char text[256];
    ERR_error_string_n(static_cast<unsigned long>(ec.value()), text, sizeof text);
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    return fmt::format("TLS handshake failed: {}", reason != nullptr ? reason : text);
  }
  return fmt::format("TLS handshake failed: {}", ec.message());
}

std::optional<std::int64_t> earliest_certificate_expiry(SSL* ssl) {
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  std::optional<std::int64_t> earliest;
  const auto consider = [&](X509* cert) {
    std::tm tm{};
    if (cert == nullptr || ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return;
    const std::int64_t at = timegm(&tm);
    if (!earliest || at < *earliest) earliest = at;
  };
  if (chain != nullptr) {
    for (int i = 0; i < sk_X509_num(chain); ++i) consider(sk_X509_value(chain, i));
  }
  if (X509* peer = SSL_get1_peer_certificate(ssl)) {
    consider(peer);
    X509_free(peer);
  }
  return earliest;
}

}  // namespace fleetcheck::probe
