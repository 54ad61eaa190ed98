#pragma once
// Internal: one check of one target on one loop of a loop_pool, bounded by a deadline. The piece
// the batch run (fleet_run) and the daemon's scheduler share.

#include <atomic>

#include "engine/loop.hpp"
#include "fleetcheck/core/deadline.hpp"
#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::probe {
class kept_connection;
class tls_contexts;
}  // namespace fleetcheck::probe

namespace fleetcheck::engine {

/// Checks `target` with the loop's DNS and TLS-session caches and `tls`'s contexts, every step
/// bounded by `bound`; `phase` is published as the check goes (for a run cut short). With `kept`
/// (an http(s) target's slot on this loop), the check uses the connection kept there by the
/// target's last check and keeps its own there when it is reusable. Never throws: an exception
/// (a bug) becomes an `error` result saying "internal error: ...". Must run on `l`.
net::asio::awaitable<core::probe_result> check_on_loop(loop& l, probe::tls_contexts& tls,
                                                       const core::target& target,
                                                       core::deadline bound,
                                                       std::atomic<core::probe_phase>& phase,
                                                       probe::kept_connection* kept = nullptr);

/// The `error` result of a check that could not run: "internal error: <what>".
core::probe_result internal_error(const char* what);

}  // namespace fleetcheck::engine
