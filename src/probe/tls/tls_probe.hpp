#pragma once
// Internal: one attempt of a tls:// check.

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/context.hpp"

namespace fleetcheck::probe {

/// Connects and completes a TLS handshake with the target's TLS settings (verification, SNI,
/// mTLS, session resumption, as https:// does); then, like tcp://, the optional send/expect over
/// the TLS stream. The certificate's expiry and the negotiated version are recorded even when the
/// certificate is refused.
net::asio::awaitable<check::attempt_result> attempt(const core::target& t,
                                                    const core::tls_spec& spec, context& ctx);

}  // namespace fleetcheck::probe
