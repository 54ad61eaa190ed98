#include <chrono>
#include <ctime>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include "fleetcheck/config/target_url.hpp"
#include "probe/http_probe.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
using net::clock;

namespace {

/// Judges a check that got an answer against the target's conditions.
void apply_conditions(const core::target& t, core::probe_result& r) {
  if (t.conditions.empty()) return;
  conditions::observation seen;
  seen.connected = true;
  seen.status = r.http_status;
  seen.response_time_ms = r.duration_seconds * 1e3;
  seen.body = r.body;
  if (r.cert_expires_at) {
    seen.certificate_expiration = std::chrono::seconds(*r.cert_expires_at - std::time(nullptr));
  }
  const auto failed = conditions::evaluate_all(t.conditions, seen);
  if (failed.empty()) return;
  r.outcome = core::outcome::unhealthy;
  for (const auto& v : failed) {
    r.failed_conditions.push_back(v.description);
    r.error += fmt::format("{}{}", r.error.empty() ? "" : "; ", v.description);
  }
}

asio::awaitable<void> pause(clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(net::use_nothrow);
}

}  // namespace

asio::awaitable<core::probe_result> run_check(const core::target& t, check_context ctx) {
  const auto started = clock::now();
  core::probe_result result;
  for (int attempt = 1;; ++attempt) {
    // Not `cond ? co_await a : co_await b`: GCC 12 miscompiles co_await inside ?:.
    if (t.kind == core::target_kind::tcp) {
      result = co_await run_tcp_check(t, ctx);
    } else {
      result = co_await run_http_check(t, ctx);
    }
    result.attempts = attempt;
    if (result.outcome == core::outcome::healthy || result.outcome == core::outcome::unhealthy) {
      apply_conditions(t, result);
    }
    // A timeout has used the whole budget: there is nothing left to retry with.
    if (result.outcome == core::outcome::healthy || attempt > t.retries ||
        result.outcome == core::outcome::timeout || result.outcome == core::outcome::deadline) {
      break;
    }
    const auto backoff = std::min<clock::duration>(
        std::chrono::milliseconds(50L << std::min(attempt - 1, 10)), std::chrono::seconds(1));
    if (clock::now() + backoff >= ctx.deadline) break;
    co_await pause(backoff);
  }
  result.duration_seconds = net::seconds_between(started, clock::now());
  result.body = std::string();  // only conditions read it; free it before results pile up
  if (!t.secrets.empty()) {
    result.error = config::redact(std::move(result.error), t.secrets);
    for (auto& description : result.failed_conditions) {
      description = config::redact(std::move(description), t.secrets);
    }
  }
  if (result.attempts > 1 && !result.error.empty()) {
    result.error += fmt::format(" (after {} attempts)", result.attempts);
  }
  co_return result;
}

}  // namespace fleetcheck::probe
