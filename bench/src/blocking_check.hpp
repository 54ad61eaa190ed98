#pragma once
// Internal: one HTTP check with blocking I/O, for the sequential and thread-pool strategies.

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::bench {

/// Checks `t` on the calling thread: connect, write, read, each bounded by the target's timeout
/// (like requests' timeout=). The request and the verdict are the engine's own
/// (probe::make_request, probe::judge_response, probe::judge_failure): only the I/O model differs.
/// Never throws; every failure is a result.
core::probe_result run_blocking_check(const core::target& t);

}  // namespace fleetcheck::bench
