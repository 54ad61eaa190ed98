#pragma once
// Internal: one attempt of a dns:// check.

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/context.hpp"

namespace fleetcheck::probe {

/// Asks the server one question (UDP; c-ares asks again over TCP when the answer is truncated)
/// through the loop's channel for that server, and reads the answer: `seen.dns` (rcode, counts,
/// records), `seen.body` as Gatus's [BODY] (the last record). Without conditions, an rcode other
/// than NOERROR, or no answer records, is a wrong answer. Bounded by ctx.deadline.at: a server
/// that never answers (or answers with the wrong ID, or garbage c-ares drops) is a timeout; an
/// answer that is not DNS is malformed_response.
net::asio::awaitable<check::attempt_result> attempt(const core::target& t,
                                                    const core::dns_spec& spec, context& ctx);

}  // namespace fleetcheck::probe
