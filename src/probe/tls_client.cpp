#include "probe/tls_client.hpp"

#include <ctime>
#include <mutex>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "fleetcheck/core/config_error.hpp"
#include "probe/tls_session_cache.hpp"

namespace fleetcheck::probe {

namespace ssl = boost::asio::ssl;

int on_new_session(SSL* ssl, SSL_SESSION* session);

namespace {

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

struct tls_contexts::impl {
  std::mutex mutex;
  std::vector<std::pair<core::tls_settings, std::unique_ptr<ssl::context>>> contexts;
};

tls_contexts::tls_contexts(std::span<const core::target> targets)
    : impl_(std::make_unique<impl>()) {
  for (const auto& t : targets) {
    if (!t.uses_tls()) continue;
    const auto built = context_for(*this, t.settings.tls);
    if (!built) {
      throw core::config_error(
          fmt::format("{}: target '{}': TLS: {}", t.origin, t.name, built.error()));
    }
  }
}

tls_contexts::~tls_contexts() = default;

core::expected<ssl::context*> context_for(tls_contexts& contexts,
                                          const core::tls_settings& settings) {
  auto& self = contexts.internals();
  std::lock_guard lock(self.mutex);
  for (auto& [s, ctx] : self.contexts) {
    if (s == settings) return ctx.get();
  }
  try {
    self.contexts.emplace_back(settings, build_context(settings));
  } catch (const std::runtime_error& e) {
    return core::unexpected{e.what()};
  }
  return self.contexts.back().second.get();
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
                                       const std::string& verified_name, bool& is_certificate) {
  const long verify = SSL_get_verify_result(ssl);
  is_certificate = verify != X509_V_OK;
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
