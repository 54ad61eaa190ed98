#pragma once
// Internal: asynchronous host-name resolution with a cache whose entries expire.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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
/// Lookups are asynchronous on the loop itself (the loop's c-ares channel, probe/dns/dns_channel):
/// thousands of names are in flight at once and no thread is involved. A waiting check only ever
/// waits until its own deadline: a slow or dead DNS server can make a check time out, never make
/// the run overshoot its deadline; a late answer still fills the cache for the next check. IP
/// literals skip all of it. Answers are kept for `ttl.positive` and failures for `ttl.negative`,
/// so that a daemon follows DNS changes and recovers from an outage. Not thread-safe: one
/// instance per io_context, used from that context's thread only.
class dns_cache {
 public:
  using address_list = std::vector<net::asio::ip::address>;
  using addresses = std::shared_ptr<const address_list>;
  /// Where a lookup's result goes: called once, on the loop's thread, maybe before the lookup
  /// function returns (/etc/hosts).
  using lookup_done = std::function<void(boost::system::error_code, address_list)>;
  /// Starts looking one name up (a dns_channel's resolve(), or a fake in tests).
  using resolver = std::function<void(const std::string& host, lookup_done done)>;

  /// `lookup` and `now` are replaceable for tests (a fake resolver, a fake clock for expiry).
  dns_cache(resolver lookup, dns_ttls ttl = {},
            std::function<net::clock::time_point()> now = net::clock::now);
  dns_cache(const dns_cache&) = delete;
  dns_cache& operator=(const dns_cache&) = delete;

  /// The addresses of `host`, or an error: asio::error::timed_out when `deadline` passes first,
  /// else the resolver's error.
  net::asio::awaitable<std::pair<boost::system::error_code, addresses>> resolve(
      const std::string& host, net::clock::time_point deadline);

  /// Names cached now (expired ones are swept as the cache grows).
  std::size_t size() const { return entries_.size(); }

 private:
  struct entry;
  void sweep(net::clock::time_point now);

  resolver lookup_;
  dns_ttls ttl_;
  std::function<net::clock::time_point()> now_;
  std::map<std::string, std::shared_ptr<entry>, std::less<>> entries_;
  std::size_t sweep_at_ = 1024;
};

}  // namespace fleetcheck::probe
