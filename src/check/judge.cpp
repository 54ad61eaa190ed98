#include "fleetcheck/check/judge.hpp"

#include <chrono>

#include <fmt/format.h>

#include "fleetcheck/conditions/condition.hpp"
#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::check {
namespace {

verdict judge_failure(const core::check_settings& settings, const transport_failure& f,
                      core::deadline_reason reason) {
  verdict v;
  if (f.kind != core::failure::timeout) {
    v.outcome = core::outcome::error;
    v.failure = f.kind;
    v.message = f.message;
    return v;
  }
  const auto phase = core::to_string(f.phase);
  switch (reason) {
    case core::deadline_reason::timeout:
      v.outcome = core::outcome::timeout;
      v.failure = core::failure::timeout;
      v.message = fmt::format("timed out after {} while {}",
                              core::format_duration(settings.timeout), phase);
      break;
    case core::deadline_reason::run:
      v.outcome = core::outcome::deadline;
      v.failure = core::failure::deadline;
      v.message = fmt::format("deadline reached while {}", phase);
      break;
    case core::deadline_reason::interrupted:
      v.outcome = core::outcome::deadline;
      v.failure = core::failure::interrupted;
      v.message = fmt::format("interrupted while {}", phase);
      break;
  }
  if (f.bytes_received > 0 && f.phase == core::probe_phase::transfer) {
    v.message += fmt::format(" ({} bytes received)", f.bytes_received);
  }
  return v;
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

verdict judge(const core::check_settings& settings, const attempt_result& attempt,
              core::deadline_reason reason, std::int64_t now_unix) {
  if (attempt.failed) return judge_failure(settings, *attempt.failed, reason);

  const auto& seen = attempt.seen;
  verdict v;
  v.outcome = core::outcome::healthy;
  const auto fail = [&](core::failure kind, std::string message) {
    if (v.outcome == core::outcome::healthy) v.failure = kind;
    v.outcome = core::outcome::unhealthy;
    v.message += fmt::format("{}{}", v.message.empty() ? "" : "; ", message);
  };

  if (seen.wrong_answer) fail(core::failure::unexpected_reply, *seen.wrong_answer);
  const auto& expect = settings.http.expect_status;
  const bool status_decides = settings.conditions.empty() || !expect.is_default();
  if (seen.status && status_decides && !expect.contains(*seen.status)) {
    auto message = fmt::format("HTTP {}, expected {}", seen.status_text, expect.describe());
    if (is_redirect(*seen.status) && !seen.location.empty()) {
      message +=
          settings.http.follow_redirects == 0
              ? fmt::format(" (redirect to '{}' not followed: set follow_redirects)", seen.location)
              : fmt::format(" (more than {} redirects)", settings.http.follow_redirects);
    }
    fail(core::failure::unexpected_status, std::move(message));
  }

  if (!settings.conditions.empty()) {
    conditions::observation obs;
    obs.connected = true;
    obs.status = seen.status.value_or(0);
    obs.response_time_ms = attempt.seconds * 1e3;
    obs.body = seen.body;
    obs.ip = seen.ip;
    if (seen.grpc) {
      // [STATUS] of a gRPC check is its grpc-status (0 = OK), as in Gatus.
      if (seen.grpc->status_code) obs.status = *seen.grpc->status_code;
      obs.grpc_status = seen.grpc->serving_status;
    }
    if (seen.dns) obs.dns_rcode = seen.dns->rcode;
    if (seen.cert_expires_at) {
      obs.certificate_expiration = std::chrono::seconds(*seen.cert_expires_at - now_unix);
    }
    for (auto& failed : conditions::evaluate_all(settings.conditions, obs)) {
      fail(core::failure::condition_failed, failed.description);
      v.failed_conditions.push_back(std::move(failed.description));
    }
  }
  return v;
}

}  // namespace fleetcheck::check
