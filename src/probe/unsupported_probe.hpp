#pragma once
// Internal: the "attempt" of a target whose protocol fleetcheck cannot check yet.

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/context.hpp"

namespace fleetcheck::probe {

/// Fails at once with failure::unsupported_protocol and the spec's sentence, without any I/O:
/// the target stays a row of the report instead of failing the whole load.
net::asio::awaitable<check::attempt_result> attempt(const core::target& t,
                                                    const core::unsupported_spec& spec,
                                                    context& ctx);

}  // namespace fleetcheck::probe
