#pragma once
// Internal: one whole check on an event loop, whatever the protocol.

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/context.hpp"

namespace fleetcheck::check {

/// A whole check of `t`: attempts with the protocol's probe (retries with backoff inside the
/// deadline), the judge, and redaction of the target's secrets from everything the result says.
/// Never throws: an exception inside a probe (a bug) becomes an `error` result naming it, and a
/// cancelled check stops between attempts.
net::asio::awaitable<core::probe_result> run_check(const core::target& t, probe::context& ctx);

}  // namespace fleetcheck::check
