#pragma once
// Checks one target at a time on one loop, as serve's scheduler does, with an optional slot for
// its kept connection (reuse_connection): for the tests of connection reuse, against in-process
// servers and real ones.

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>

#include "engine/check_on_loop.hpp"
#include "engine/loop.hpp"
#include "fleetcheck/core/deadline.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"
#include "net/asio_aliases.hpp"
#include "probe/http/kept_connection.hpp"

namespace fleetcheck::test_support {

class loop_checks {
 public:
  /// The result of one check of `t`, run until it ends (at most 10 s); `kept` may be null.
  core::probe_result check(const core::target& t, probe::kept_connection* kept,
                           probe::tls_contexts& tls) {
    using namespace std::chrono_literals;
    std::atomic<core::probe_phase> phase{core::probe_phase::queued};
    std::optional<core::probe_result> out;
    const core::deadline bound{net::clock::now() + t.settings.timeout,
                               core::deadline_reason::timeout};
    net::asio::co_spawn(
        *loop_.context, engine::check_on_loop(loop_, tls, t, bound, phase, kept),
        [&](const std::exception_ptr&, core::probe_result r) { out = std::move(r); });
    loop_.context->restart();
    for (int i = 0; i < 1000 && !out; ++i) loop_.context->run_one_for(10ms);
    if (!out) throw std::runtime_error("the check did not finish within 10 s");
    return std::move(*out);
  }

  /// Runs the loop for `d` with no check in flight (what a kept connection sees between rounds).
  void idle_for(std::chrono::milliseconds d) {
    loop_.context->restart();
    loop_.context->run_for(d);
  }

 private:
  engine::loop loop_{""};
};

}  // namespace fleetcheck::test_support
