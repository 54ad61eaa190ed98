#pragma once
// Internal: one event loop of a loop_pool and the runtime its checks share.

#include <memory>

#include <boost/asio/io_context.hpp>

#include "probe/dns_cache.hpp"
#include "probe/tls_session_cache.hpp"

namespace fleetcheck::engine {

/// One io_context and the caches of the checks that run on it; every member is used from the
/// loop's own thread only, so none needs a lock.
struct loop {
  loop()
      : context(std::make_unique<boost::asio::io_context>(1)),
        dns(std::make_unique<probe::dns_cache>(context->get_executor())) {}
  // The context goes first, with any coroutine frames still in flight (they may reference the
  // caches); the DNS cache stops handing results to it before that.
  ~loop() {
    dns->close();
    context.reset();
  }
  loop(const loop&) = delete;
  loop& operator=(const loop&) = delete;

  probe::tls_session_cache sessions;
  std::unique_ptr<boost::asio::io_context> context;
  std::unique_ptr<probe::dns_cache> dns;
};

}  // namespace fleetcheck::engine
