#pragma once
// Internal: the steps every connection-oriented check starts with.

#include <boost/beast/core/tcp_stream.hpp>

#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"
#include "probe/context.hpp"

namespace fleetcheck::probe {

/// Resolves `at.host` and connects `stream` to the first address that answers, bounded by the
/// deadline; waits out EMFILE/EADDRNOTAVAIL (back-pressure). Records the resolve and connect steps
/// and, when `want_ip` (a condition reads [IP]; formatting it costs at 100k checks), the address
/// connected to (`seen.ip`).
net::asio::awaitable<boost::system::error_code> resolve_and_connect(
    boost::beast::tcp_stream& stream, const core::endpoint& at, context& ctx,
    attempt_recorder& record, bool want_ip);

}  // namespace fleetcheck::probe
