#pragma once
// Internal: one attempt of a tcp:// check.

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/context.hpp"

namespace fleetcheck::probe {

/// Connects; with `send`, sends it; with `expect`, reads until the reply contains it. A reply
/// without it is decided as soon as the server closes, or goes quiet after answering (see
/// settle_time), not at the timeout: a server that answers wrongly and keeps the connection open
/// (redis's -NOAUTH) is unhealthy as soon as it has answered.
net::asio::awaitable<check::attempt_result> attempt(const core::target& t,
                                                    const core::tcp_spec& spec, context& ctx);

}  // namespace fleetcheck::probe
