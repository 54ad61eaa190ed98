#pragma once
// Internal: the TLS handshake every TLS check makes (https://, tls://), with verification, the
// session cache, and what the handshake tells the judge.

#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/classify.hpp"
#include "probe/context.hpp"
#include "probe/tls_session_cache.hpp"

namespace fleetcheck::probe {

using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// An application protocol the check needs the server to choose by ALPN ("h2" for gRPC), and
/// what it means when the server does not ("not a gRPC server"), for the row's message.
struct alpn_requirement {
  std::string_view protocol;
  std::string_view otherwise;
};

/// Where a TLS check's sessions are kept: one key per server, name, context and ALPN protocol (a
/// session negotiated for h2 is not offered to the same server's HTTP/1.1 checks). Declare it
/// before the stream: OpenSSL may call back into it until the stream is gone.
tls_session_cache::sink session_sink(context& ctx, const core::endpoint& at,
                                     const core::tls_settings& settings,
                                     const boost::asio::ssl::context* tls_context,
                                     std::string_view alpn = {});

/// The client handshake on a connected `stream` to `at`: SNI and verification as `settings` say,
/// a cached session when there is one, bounded by the stream's expiry (the deadline). Records the
/// tls step and, in `record.result.seen`, whether the session was resumed, the earliest
/// certificate expiry and the negotiated version. With `alpn`, offers that protocol and fails
/// unless the server chooses it. Returns the failure (tls_certificate with the precise reason,
/// tls_handshake, or a classified I/O error), or nothing when the handshake is done. Never throws
/// for anything the server sends.
net::asio::awaitable<std::optional<check::transport_failure>> tls_handshake(
    tls_stream& stream, tls_session_cache::sink& sink, const core::endpoint& at,
    const core::tls_settings& settings, context& ctx, attempt_recorder& record,
    const failure_context& about, std::optional<alpn_requirement> alpn = std::nullopt);

/// "TLS 1.3" for OpenSSL's "TLSv1.3", as blackbox_exporter's probe_tls_version_info says it.
std::string tls_version_name(std::string_view openssl_name);

}  // namespace fleetcheck::probe
