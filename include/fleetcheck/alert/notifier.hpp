#pragma once
// Sends alerts for health transitions to the configured channels, on its own thread and event
// loop, so that a slow or dead webhook never delays a check.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "fleetcheck/alert/alerting_config.hpp"
#include "fleetcheck/alert/silences.hpp"
#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::alert {

struct notifier_options {
  /// Transitions waiting for the notifier's thread; past it, on_transition drops and counts.
  std::size_t queue_capacity = 10'000;
  /// Events waiting in one channel (grouping, rate limit, a POST in flight); past it, dropped.
  std::size_t max_batch = 1'000;
  /// How long stop() lets pending messages and retries finish before it aborts them.
  std::chrono::milliseconds stop_grace{5'000};
  /// The daemon's page, for Alertmanager's generatorURL and the generic body's "url".
  std::string generator_url;
  /// One line per notable event (a failed POST, a message given up), secrets redacted. Called on
  /// the notifier's thread. Default: stderr, "fleetcheck: alert 'name': ...".
  std::function<void(std::string_view)> log;
  /// The wall clock silences and maintenance windows are judged by (a fake one in tests).
  std::function<health::wall_clock::time_point()> now = health::wall_clock::now;
  /// The silences to consult; null: a set of its own. Shared so that serve's silences outlive
  /// the notifier a reload replaces.
  std::shared_ptr<alert::silences> silences;
};

/// Owns a thread running one event loop. For every transition it works out, per channel, what
/// fires and what resolves, drops what is silenced or under maintenance (counted as suppressed),
/// groups what arrives within the channel's group_wait into one message, keeps to its rate limit
/// (by delaying, so later transitions join the same message), and POSTs it with retries and
/// backoff. Memory is bounded: queue_capacity transitions and max_batch events per channel.
class notifier {
 public:
  explicit notifier(alerting_config config, notifier_options options = {});
  /// stop().
  ~notifier();
  notifier(const notifier&) = delete;
  notifier& operator=(const notifier&) = delete;

  /// Queues a transition. Thread-safe, O(1), never waits for the network (a short lock).
  /// After stop() it is dropped and counted.
  void on_transition(const health::transition& t);

  /// The silences the API adds to; consulted for every event. Thread-safe.
  alert::silences& silences();

  struct counters {
    std::size_t sent = 0;        ///< messages a channel accepted (2xx)
    std::size_t failed = 0;      ///< messages given up: retries exhausted, refused, or aborted
    std::size_t retried = 0;     ///< repeated POSTs
    std::size_t dropped = 0;     ///< events lost to a full queue or batch, or to stop()
    std::size_t suppressed = 0;  ///< events not sent: silenced or under maintenance
    /// Adds another notifier's counts (a daemon sums those of the notifiers its reloads retired).
    counters& operator+=(const counters& other) {
      sent += other.sent;
      failed += other.failed;
      retried += other.retried;
      dropped += other.dropped;
      suppressed += other.suppressed;
      return *this;
    }
  };
  /// Thread-safe; for /metrics.
  counters stats() const;

  /// Sends what is pending at once (ignoring group_wait and the rate limit), lets POSTs and
  /// retries run for at most stop_grace, then aborts the rest (counted as failed or dropped) and
  /// joins the thread. Idempotent; thread-safe; never called from a log callback.
  void stop();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace fleetcheck::alert
