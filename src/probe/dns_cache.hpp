#pragma once
// Internal: asynchronous host-name resolution with a per-run cache.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "net/asio_aliases.hpp"

namespace fleetcheck::probe {

class resolver_pool;

/// Resolves host names for the checks running on one io_context, each name once per run.
///
/// getaddrinfo cannot be cancelled, so it runs on a small pool of detached threads and a waiting
/// check only ever waits on a timer set to its own deadline: a slow or dead DNS server can make a
/// check time out, never make the run overshoot its deadline or hang at exit. IP literals skip all
/// of it. Not thread-safe: one instance per io_context, used from that context's thread only.
class dns_cache {
 public:
  using addresses = std::shared_ptr<const std::vector<net::asio::ip::address>>;

  explicit dns_cache(net::asio::any_io_executor executor);
  ~dns_cache();

  /// Stops handing results back; call before the io_context is destroyed.
  void close();
  dns_cache(const dns_cache&) = delete;
  dns_cache& operator=(const dns_cache&) = delete;

  /// The addresses of `host`, or an error: asio::error::timed_out when `deadline` passes first,
  /// else the resolver's error.
  net::asio::awaitable<std::pair<boost::system::error_code, addresses>> resolve(
      const std::string& host, net::clock::time_point deadline);

 private:
  struct entry;
  struct gate;
  net::asio::any_io_executor executor_;
  std::shared_ptr<gate> gate_;
  std::map<std::string, std::shared_ptr<entry>, std::less<>> entries_;
};

}  // namespace fleetcheck::probe
