#pragma once
// Internal: one attempt of a grpc:// or grpcs:// check.

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/context.hpp"

namespace fleetcheck::probe {

/// Connects (TLS offering ALPN h2 for grpcs://; a server that does not choose h2 is an error),
/// calls grpc.health.v1.Health/Check for the spec's service over HTTP/2 with a grpc-timeout of
/// the time left, and reports the serving status: SERVING is healthy, any other is a wrong
/// answer; a non-OK grpc-status, a reset stream, GOAWAY, or bytes that are not HTTP/2 are errors.
net::asio::awaitable<check::attempt_result> attempt(const core::target& t,
                                                    const core::grpc_spec& spec, context& ctx);

}  // namespace fleetcheck::probe
