#pragma once
// Internal: one attempt of an icmp:// check.

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/context.hpp"

namespace fleetcheck::probe {

/// Resolves the host (its first address), sends one ICMP echo request and waits for its reply
/// until the deadline; anything else the socket receives is ignored. Healthy when the reply
/// comes; `timeout` when none does. Phases: resolve, setup (`connect`: opening the socket) and the
/// round trip (`first_byte`), recorded with the reply's round trip and hop limit in `seen.icmp`.
net::asio::awaitable<check::attempt_result> attempt(const core::target& t,
                                                    const core::icmp_spec& spec, context& ctx);

}  // namespace fleetcheck::probe
