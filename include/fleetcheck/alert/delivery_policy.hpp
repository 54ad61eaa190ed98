#pragma once
// When the notifier sends: grouping, rate limiting, retries. Pure: time is an argument, so each
// rule is tested with values and a fake clock.

#include <chrono>
#include <cstddef>
#include <vector>

#include "fleetcheck/alert/alerting_config.hpp"
#include "fleetcheck/alert/message.hpp"

namespace fleetcheck::alert {

using steady_time = std::chrono::steady_clock::time_point;

/// At most `limit.messages` sends per `limit.per`, a burst of all of them allowed (the generic
/// cell rate algorithm: a token bucket without a timer).
class rate_limiter {
 public:
  explicit rate_limiter(rate_limit limit);
  /// Takes a token when one is free at `now`.
  bool try_take(steady_time now);
  /// The earliest time try_take will succeed (`now` when it would now).
  steady_time next_free(steady_time now) const;

 private:
  std::chrono::nanoseconds interval_;   // per / messages
  std::chrono::nanoseconds tolerance_;  // per - interval: how far ahead the bucket may run
  steady_time theoretical_{};           // when the next send is due at the steady rate
};

/// The wait before retry number `retry` (1 = the first): first, 2 x first, 4 x first, ..., never
/// more than `most`.
std::chrono::nanoseconds retry_delay(std::chrono::nanoseconds first, int retry,
                                     std::chrono::nanoseconds most = std::chrono::minutes(1));

/// Whether a POST that got `http_status` (0: no answer at all) may succeed when repeated: transport
/// failures, 408, 425, 429 and 5xx; any other 4xx means the request itself is wrong.
bool worth_retrying(int http_status);

/// The events of one channel waiting to go out together: the first opens a window of
/// `group_wait`; everything that arrives before it closes joins the same message.
class pending_batch {
 public:
  explicit pending_batch(std::size_t capacity) : capacity_(capacity) {}
  /// Adds `e`; false (and nothing added) when the batch is full.
  bool add(alert_event e, steady_time now, std::chrono::nanoseconds group_wait);
  bool empty() const { return events_.empty(); }
  std::size_t size() const { return events_.size(); }
  /// When the window closes (meaningless when empty).
  steady_time due() const { return due_; }
  bool ready(steady_time now) const { return !events_.empty() && now >= due_; }
  /// Hands the events over and empties the batch.
  std::vector<alert_event> take();

 private:
  std::size_t capacity_;
  std::vector<alert_event> events_;
  steady_time due_{};
};

}  // namespace fleetcheck::alert
