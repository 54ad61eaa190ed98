#pragma once
// Internal: one attempt of an http:// or https:// check.

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/context.hpp"

namespace fleetcheck::probe {

/// Connects (TLS when the spec says so), sends one request, reads one response (skipping 1xx
/// interim responses) and follows redirects as the settings allow. Reports what it saw; judging
/// is the caller's. Never throws for anything a server sends.
net::asio::awaitable<check::attempt_result> attempt(const core::target& t,
                                                    const core::http_spec& spec, context& ctx);

}  // namespace fleetcheck::probe
