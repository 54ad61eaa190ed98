#include "check/run_check.hpp"

#include <ctime>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include "fleetcheck/check/judge.hpp"
#include "fleetcheck/check/retry_policy.hpp"
#include "fleetcheck/core/secrets.hpp"
#include "probe/dispatch.hpp"

namespace fleetcheck::check {

namespace asio = net::asio;
using net::clock;

namespace {

asio::awaitable<bool> cancelled() {
  const auto state = co_await asio::this_coro::cancellation_state;
  co_return state.cancelled() != asio::cancellation_type::none;
}

void redact(core::probe_result& result, const std::vector<std::string>& secrets) {
  if (secrets.empty()) return;
  result.error = core::redact(std::move(result.error), secrets);
  for (auto& description : result.failed_conditions) {
    description = core::redact(std::move(description), secrets);
  }
}

}  // namespace

asio::awaitable<core::probe_result> run_check(const core::target& t, probe::context& ctx) {
  const auto started = clock::now();
  core::probe_result result;
  for (int attempt = 1;; ++attempt) {
    // A bug inside a probe costs its own row, never the worker (no extra coroutine frame for it:
    // at 100k checks an allocation per attempt shows).
    attempt_result seen;
    try {
      seen = co_await probe::run_attempt(t, ctx);
    } catch (const std::exception& e) {
      seen = attempt_result{};
      seen.failed = transport_failure{core::failure::internal_error,
                                      ctx.phase.load(std::memory_order_relaxed),
                                      fmt::format("internal error: {}", e.what())};
    }
    auto decided = judge(t.settings, seen, ctx.deadline.reason, std::time(nullptr));
    result.attempts = attempt;
    result.outcome = decided.outcome;
    result.failure = decided.failure;
    result.failed_phase = seen.failed ? seen.failed->phase : core::probe_phase::done;
    result.error = std::move(decided.message);
    result.failed_conditions = std::move(decided.failed_conditions);
    result.http_status = seen.seen.status.value_or(0);
    result.phases = seen.phases;  // the last attempt's: the one the outcome describes
    result.redirects = seen.redirects;
    result.cert_expires_at = seen.seen.cert_expires_at;
    result.tls_resumed = seen.seen.tls_resumed;
    result.connection_reused = seen.seen.connection_reused;
    result.grpc = seen.seen.grpc;
    result.tls_version = std::move(seen.seen.tls_version);
    result.icmp = seen.seen.icmp;
    result.dns = std::move(seen.seen.dns);

    const auto wait =
        retry_after(attempt, result.outcome, t.settings.retries, clock::now(), ctx.deadline.at);
    if (!wait || co_await cancelled()) break;
    asio::steady_timer pause(co_await asio::this_coro::executor, *wait);
    co_await pause.async_wait(net::use_nothrow);
    if (co_await cancelled()) break;
  }
  result.duration_seconds = net::seconds_between(started, clock::now());
  redact(result, t.settings.secrets);
  if (result.attempts > 1 && !result.error.empty()) {
    result.error += fmt::format(" (after {} attempts)", result.attempts);
  }
  co_return result;
}

}  // namespace fleetcheck::check
