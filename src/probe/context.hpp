#pragma once
// Internal: what one attempt of any protocol needs from its surroundings, and how it records
// itself as it goes.

#include <atomic>
#include <string>

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/deadline.hpp"
#include "fleetcheck/core/probe_result.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::probe {

class dns_cache;
class dns_channels;
class kept_connection;
class tls_contexts;
class tls_session_cache;

/// Everything one attempt needs from its surroundings. The references outlive the attempt.
struct context {
  dns_cache& dns;
  dns_channels& dns_queries;  ///< the servers dns:// checks ask, one channel each
  tls_contexts& tls;
  tls_session_cache& sessions;
  core::deadline deadline;                ///< every step is bounded by deadline.at
  std::atomic<core::probe_phase>& phase;  ///< published for a run cut short by its deadline
  /// Where an http(s) check keeps its connection for the target's next check (serve's
  /// reuse_connection); null: a fresh connection, closed after the check.
  kept_connection* kept = nullptr;
};

/// One attempt's result as it is being built: the step it is in (published for a run cut
/// short), how long each step took, and the two ways it ends.
class attempt_recorder {
 public:
  explicit attempt_recorder(std::atomic<core::probe_phase>& phase) : phase_(phase) {}

  /// Moves to the next step; the time since the last enter() is added to that step's timing.
  void enter(core::probe_phase next) {
    lap_into_current();
    phase_.store(next, std::memory_order_relaxed);
    current_ = next;
  }
  core::probe_phase current() const { return current_; }

  /// Ends the attempt with what was seen.
  check::attempt_result finish() {
    lap_into_current();
    result.seconds = net::seconds_between(started_, net::clock::now());
    return std::move(result);
  }
  /// Ends the attempt with a failure in the current step.
  check::attempt_result fail(core::failure kind, std::string message,
                             std::size_t bytes_received = 0) {
    result.failed = check::transport_failure{kind, current_, std::move(message), bytes_received};
    return finish();
  }
  check::attempt_result fail(check::transport_failure failure) {
    result.failed = std::move(failure);
    return finish();
  }

  check::attempt_result result;

 private:
  void lap_into_current() {
    const auto now = net::clock::now();
    const double seconds = net::seconds_between(lap_, now);
    lap_ = now;
    auto& p = result.phases;
    switch (current_) {
      case core::probe_phase::resolve:
        p.resolve += seconds;
        break;
      case core::probe_phase::connect:
        p.connect += seconds;
        break;
      case core::probe_phase::tls:
        p.tls += seconds;
        break;
      case core::probe_phase::first_byte:
        p.first_byte += seconds;
        break;
      case core::probe_phase::transfer:
        p.transfer += seconds;
        break;
      default:
        break;  // queued, write, done: not reported separately
    }
  }

  std::atomic<core::probe_phase>& phase_;
  core::probe_phase current_ = core::probe_phase::queued;
  net::clock::time_point started_ = net::clock::now();
  net::clock::time_point lap_ = started_;
};

}  // namespace fleetcheck::probe
