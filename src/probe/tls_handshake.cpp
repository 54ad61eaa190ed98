#include "probe/tls_handshake.hpp"

#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/error.hpp>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "probe/tls_client.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;

tls_session_cache::sink session_sink(context& ctx, const core::endpoint& at,
                                     const core::tls_settings& settings,
                                     const asio::ssl::context* tls_context, std::string_view alpn) {
  return {&ctx.sessions, fmt::format("{}|{}|{}|{}|{}", at.host, at.port, settings.server_name,
                                     static_cast<const void*>(tls_context), alpn)};
}

std::string tls_version_name(std::string_view openssl_name) {
  if (openssl_name.starts_with("TLSv")) return fmt::format("TLS {}", openssl_name.substr(4));
  return std::string(openssl_name);
}

asio::awaitable<std::optional<check::transport_failure>> tls_handshake(
    tls_stream& stream, tls_session_cache::sink& sink, const core::endpoint& at,
    const core::tls_settings& settings, context& ctx, attempt_recorder& record,
    const failure_context& about, std::optional<alpn_requirement> alpn) {
  auto& seen = record.result.seen;
  SSL* ssl = stream.native_handle();
  prepare_verification(ssl, at.host, settings);
  if (alpn) {
    std::string wire(1, static_cast<char>(alpn->protocol.size()));  // RFC 7301: length-prefixed
    wire += alpn->protocol;
    SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire.data()),
                        static_cast<unsigned>(wire.size()));
  }
  tls_session_cache::attach(ssl, &sink);
  record.enter(core::probe_phase::tls);
  const bool leader = co_await ctx.sessions.prepare(ssl, sink.key, ctx.deadline.at);
  auto [error] = co_await stream.async_handshake(asio::ssl::stream_base::client, net::use_nothrow);
  seen.tls_resumed = SSL_session_reused(ssl) == 1;
  ctx.sessions.handshake_done(sink.key, leader, !error, seen.tls_resumed);
  seen.cert_expires_at = earliest_certificate_expiry(ssl);
  const auto alpn_failure = [&](std::string what) {
    return check::transport_failure{core::failure::tls_handshake, record.current(),
                                    fmt::format("TLS: {}: {}", what, alpn->otherwise)};
  };
  if (!error) {
    seen.tls_version = tls_version_name(SSL_get_version(ssl));
    if (alpn) {
      const unsigned char* chosen = nullptr;
      unsigned int size = 0;
      SSL_get0_alpn_selected(ssl, &chosen, &size);
      const std::string_view protocol(reinterpret_cast<const char*>(chosen), size);
      if (size == 0) {
        co_return alpn_failure(
            fmt::format("the server chose no ALPN protocol ({} was offered)", alpn->protocol));
      }
      if (protocol != alpn->protocol) {
        co_return alpn_failure(
            fmt::format("the server chose ALPN '{}', not {}", excerpt(protocol), alpn->protocol));
      }
    }
    co_return std::nullopt;
  }
  if (alpn && error.category() == asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(error.value())) ==
          SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL) {
    co_return alpn_failure(fmt::format("the server refused ALPN {}", alpn->protocol));
  }
  if (error == beast::error::timeout) co_return classify(error, record.current(), 0, about);
  bool is_certificate = false;
  auto why = describe_handshake_failure(
      ssl, error, settings.server_name.empty() ? at.host : settings.server_name, is_certificate);
  co_return check::transport_failure{
      is_certificate ? core::failure::tls_certificate : core::failure::tls_handshake,
      record.current(), std::move(why)};
}

}  // namespace fleetcheck::probe
