#pragma once
// Internal: a wake-up that coroutines on one io_context wait for, each bounded by its own
// deadline. Used wherever checks wait for another check's work (a DNS answer, a TLS session).

#include <algorithm>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "net/asio_aliases.hpp"

namespace fleetcheck::net {

/// Waiters sleep on their own timer until `until` or until notify_all(). Not thread-safe: every
/// call comes from the io_context's thread. A waiter that is cancelled (its coroutine is) simply
/// returns early; the event never holds on to it after it returns.
class async_event {
 public:
  async_event() = default;
  async_event(const async_event&) = delete;
  async_event& operator=(const async_event&) = delete;

  /// Returns at `until`, at notify_all(), or when cancelled, whichever is first; the caller
  /// re-checks whatever it was waiting for.
  asio::awaitable<void> wait_until(clock::time_point until) {
    asio::steady_timer timer(co_await asio::this_coro::executor, until);
    // Deregisters even when the frame is destroyed while suspended (its io_context going away).
    struct registration {
      std::vector<asio::steady_timer*>& list;
      asio::steady_timer* timer;
      ~registration() { std::erase(list, timer); }
    } registered{waiters_, &timer};
    waiters_.push_back(&timer);
    co_await timer.async_wait(use_nothrow);
  }

  /// Wakes every current waiter.
  void notify_all() {
    for (auto* waiter : waiters_) waiter->cancel();
    waiters_.clear();
  }

 private:
  std::vector<asio::steady_timer*> waiters_;
};

}  // namespace fleetcheck::net
