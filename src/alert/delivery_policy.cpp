#include "fleetcheck/alert/delivery_policy.hpp"

#include <algorithm>

namespace fleetcheck::alert {

rate_limiter::rate_limiter(rate_limit limit)
    : interval_(std::chrono::duration_cast<std::chrono::nanoseconds>(limit.per) /
                static_cast<long long>(std::max<std::size_t>(limit.messages, 1))),
      tolerance_(std::chrono::duration_cast<std::chrono::nanoseconds>(limit.per) - interval_) {}

bool rate_limiter::try_take(steady_time now) {
  if (next_free(now) > now) return false;
  theoretical_ = std::max(theoretical_, now) + interval_;
  return true;
}

steady_time rate_limiter::next_free(steady_time now) const {
  return std::max(now, theoretical_ - tolerance_);
}

std::chrono::nanoseconds retry_delay(std::chrono::nanoseconds first, int retry,
                                     std::chrono::nanoseconds most) {
  auto wait = first;
  for (int i = 1; i < retry && wait < most; ++i) wait *= 2;
  return std::min(wait, most);
}

bool worth_retrying(int http_status) {
  return http_status == 0 || http_status == 408 || http_status == 425 || http_status == 429 ||
         http_status >= 500;
}

bool pending_batch::add(alert_event e, steady_time now, std::chrono::nanoseconds group_wait) {
  if (events_.size() >= capacity_) return false;
  if (events_.empty()) due_ = now + group_wait;
  events_.push_back(std::move(e));
  return true;
}

std::vector<alert_event> pending_batch::take() {
  return std::exchange(events_, {});
}

}  // namespace fleetcheck::alert
