#pragma once
// Internal: asynchronous host-name resolution with a cache whose entries expire.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/system/error_code.hpp>

#include "net/asio_aliases.hpp"

namespace fleetcheck::probe {

/// How long a DNS answer (positive) and a failure (negative) are kept.
struct dns_ttls {
  net::clock::duration positive = std::chrono::seconds(30);
  net::clock::duration negative = std::chrono::seconds(5);
};

/// Resolves host names for the checks running on one io_context, each name once per TTL.
///
/// getaddrinfo cannot be cancelled, so it runs on a small pool of detached threads and a waiting
/// check only ever waits on a timer set to its own deadline: a slow or dead DNS server can make a
/// check time out, never make the run overshoot its deadline or hang at exit. IP literals skip all
/// of it. Answers are kept for `ttl.positive` and failures for `ttl.negative`, so that a daemon
/// follows DNS changes and recovers from an outage. Not thread-safe: one instance per io_context,
/// used from that context's thread only.
class dns_cache {
 public:
  using address_list = std::vector<net::asio::ip::address>;
  using addresses = std::shared_ptr<const address_list>;
  /// Resolves one name, blocking; runs on a resolver thread.
  using blocking_resolver =
      std::function<std::pair<boost::system::error_code, address_list>(const std::string&)>;

  /// `resolver` and `now` are replaceable for tests (a fake resolver, a fake clock for expiry).
  explicit dns_cache(net::asio::any_io_executor executor, dns_ttls ttl = {},
                     blocking_resolver resolver = system_resolver,
                     std::function<net::clock::time_point()> now = net::clock::now);
  ~dns_cache();
  dns_cache(const dns_cache&) = delete;
  dns_cache& operator=(const dns_cache&) = delete;

  /// Stops handing results back; call before the io_context is destroyed.
  void close();

  /// The addresses of `host`, or an error: asio::error::timed_out when `deadline` passes first,
  /// else the resolver's error.
  net::asio::awaitable<std::pair<boost::system::error_code, addresses>> resolve(
      const std::string& host, net::clock::time_point deadline);

  /// Names cached now (expired ones are swept as the cache grows).
  std::size_t size() const { return entries_.size(); }

  /// getaddrinfo, mapped to Asio's error codes.
  static std::pair<boost::system::error_code, address_list> system_resolver(
      const std::string& host);

 private:
  struct entry;
  struct gate;
  void sweep(net::clock::time_point now);

  net::asio::any_io_executor executor_;
  dns_ttls ttl_;
  blocking_resolver resolver_;
  std::function<net::clock::time_point()> now_;
  std::shared_ptr<gate> gate_;
  std::map<std::string, std::shared_ptr<entry>, std::less<>> entries_;
  std::size_t sweep_at_ = 1024;
};

}  // namespace fleetcheck::probe
