#pragma once
// Internal: the checks themselves, one coroutine per protocol, on an io_context.

#include <atomic>

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::probe {

class dns_cache;
class tls_contexts;
class tls_session_cache;

/// Everything one check needs from its surroundings. The references outlive the check.
struct check_context {
  dns_cache& dns;
  tls_contexts& tls;
  tls_session_cache& sessions;
  net::clock::time_point deadline;  ///< min(start + timeout, global deadline)
  bool deadline_is_global;          ///< the run's deadline, not the target's timeout, is binding
  std::atomic<core::probe_phase>& phase;  ///< published for a run cut short by the deadline
};

/// One attempt of an HTTP(S) check of `t`, following redirects as the target allows. Sets outcome
/// from the status alone; conditions are judged by run_check. Never throws.
net::asio::awaitable<core::probe_result> run_http_check(const core::target& t, check_context ctx);

/// One attempt of a TCP check: connect, then optionally send and read until `expect` is seen.
net::asio::awaitable<core::probe_result> run_tcp_check(const core::target& t, check_context ctx);

/// A whole check: attempts (retries with backoff inside the deadline), conditions, and redaction
/// of the target's secrets from everything the result says. Never throws.
net::asio::awaitable<core::probe_result> run_check(const core::target& t, check_context ctx);

}  // namespace fleetcheck::probe
