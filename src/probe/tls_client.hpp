#pragma once
// Internal: the client side of TLS: contexts, verification settings, and what a handshake says.

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "fleetcheck/core/check_settings.hpp"
#include "fleetcheck/core/expected.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"

using SSL = struct ssl_st;

namespace fleetcheck::probe {

/// The context for `settings`, built now if no target needed it before; the reason when it cannot
/// be built (a CA file that is not PEM). Thread-safe.
core::expected<boost::asio::ssl::context*> context_for(tls_contexts& contexts,
                                                       const core::tls_settings& settings);

/// Sets SNI (for names) and host-name or IP verification on a fresh connection.
void prepare_verification(SSL* ssl, const std::string& host, const core::tls_settings& settings);

/// Why a handshake failed, precisely: "certificate has expired", "self-signed certificate",
/// "certificate is for another name than 'x'", "unknown issuer"...; `is_certificate` tells a
/// verification failure from any other.
std::string describe_handshake_failure(SSL* ssl, const boost::system::error_code& ec,
                                       const std::string& verified_name, bool& is_certificate);

/// The earliest notAfter in the chain the server sent, as Unix seconds.
std::optional<std::int64_t> earliest_certificate_expiry(SSL* ssl);

}  // namespace fleetcheck::probe
