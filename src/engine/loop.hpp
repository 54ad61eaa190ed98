#pragma once
// Internal: one event loop of a loop_pool and the runtime its checks share.

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "fleetcheck/core/config_error.hpp"
#include "probe/dns/dns_channel.hpp"
#include "probe/dns_cache.hpp"
#include "probe/tls_session_cache.hpp"

namespace fleetcheck::engine {

/// One io_context and the caches of the checks that run on it; every member is used from the
/// loop's own thread only, so none needs a lock.
struct loop {
  /// `dns_servers`: where names are resolved ("ip:port,..."; empty: /etc/resolv.conf). Throws
  /// core::config_error when c-ares rejects them.
  explicit loop(const std::string& dns_servers)
      : context(std::make_unique<boost::asio::io_context>(1)),
        resolver(open_resolver(*context, dns_servers)),
        dns(std::make_unique<probe::dns_cache>(
            [channel = resolver.get()](const std::string& host,
                                       probe::dns_cache::lookup_done done) {
              channel->resolve(host, std::move(done));
            })),
        dns_queries(context->get_executor()) {}
  // Runs once the loop's thread has stopped. The c-ares channels go first, while the io_context
  // they registered their sockets with still exists (ares_destroy drops their lookups without a
  // call back); then the context, with any coroutine frames still in flight (they may reference
  // the caches).
  ~loop() {
    dns_queries.clear();
    resolver.reset();
    context.reset();
  }
  loop(const loop&) = delete;
  loop& operator=(const loop&) = delete;

  probe::tls_session_cache sessions;
  std::unique_ptr<boost::asio::io_context> context;
  std::unique_ptr<probe::dns_channel> resolver;  ///< every check's names
  std::unique_ptr<probe::dns_cache> dns;
  probe::dns_channels dns_queries;  ///< the servers dns:// checks ask

 private:
  static std::unique_ptr<probe::dns_channel> open_resolver(boost::asio::io_context& context,
                                                           const std::string& servers) {
    probe::dns_channel::options o;
    o.servers = servers;
    auto channel = probe::dns_channel::open(context.get_executor(), o);
    if (!channel) throw core::config_error(channel.error());
    return std::move(*channel);
  }
};

}  // namespace fleetcheck::engine
