#include "engine/check_on_loop.hpp"

#include <fmt/format.h>

#include "check/run_check.hpp"
#include "probe/context.hpp"

namespace fleetcheck::engine {

core::probe_result internal_error(const char* what) {
  core::probe_result r;
  r.outcome = core::outcome::error;
  r.failure = core::failure::internal_error;
  r.error = fmt::format("internal error: {}", what);
  r.attempts = 1;
  return r;
}

net::asio::awaitable<core::probe_result> check_on_loop(loop& l, probe::tls_contexts& tls,
                                                       const core::target& target,
                                                       core::deadline bound,
                                                       std::atomic<core::probe_phase>& phase,
                                                       probe::kept_connection* kept) {
  probe::context ctx{*l.dns, l.dns_queries, tls, l.sessions, bound, phase, kept};
  try {
    co_return co_await check::run_check(target, ctx);
  } catch (const std::exception& e) {
    co_return internal_error(e.what());
  }
}

}  // namespace fleetcheck::engine
