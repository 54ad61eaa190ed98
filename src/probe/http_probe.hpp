#pragma once
// Internal: one HTTP check on an io_context.

#include <atomic>

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::probe {

class dns_cache;

/// Everything one check needs from its surroundings.
struct check_context {
  dns_cache& dns;
  net::clock::time_point deadline;  ///< min(start + timeout, global deadline)
  bool deadline_is_global;          ///< the run's deadline, not the target's timeout, is binding
  std::atomic<core::probe_phase>& phase;  ///< published for a run cut short by the deadline
};

/// Runs one HTTP check against `t`. Never throws: every failure is a result. Each step is bounded
/// by `ctx.deadline`; running out of descriptors or ports is waited out, not reported.
net::asio::awaitable<core::probe_result> run_http_check(const core::target& t, check_context ctx);

}  // namespace fleetcheck::probe
