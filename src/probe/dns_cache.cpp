#include "probe/dns_cache.hpp"

#include <algorithm>

#include <boost/asio/this_coro.hpp>

#include "net/async_event.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;

struct dns_cache::entry {
  bool ready = false;
  boost::system::error_code error;
  addresses result;
  net::clock::time_point expires;
  net::async_event changed;
};

dns_cache::dns_cache(resolver lookup, dns_ttls ttl, std::function<net::clock::time_point()> now)
    : lookup_(std::move(lookup)), ttl_(ttl), now_(std::move(now)) {}

void dns_cache::sweep(net::clock::time_point now) {
  std::erase_if(entries_, [&](const auto& item) {
    const auto& e = *item.second;
    return e.ready && now >= e.expires;
  });
  sweep_at_ = std::max<std::size_t>(1024, entries_.size() * 2);
}

asio::awaitable<std::pair<boost::system::error_code, dns_cache::addresses>> dns_cache::resolve(
    const std::string& host, net::clock::time_point deadline) {
  boost::system::error_code parse_error;
  const auto literal = asio::ip::make_address(host, parse_error);
  if (!parse_error) {
    co_return std::pair{boost::system::error_code{},
                        std::make_shared<const address_list>(1, literal)};
  }

  const auto now = now_();
  if (entries_.size() >= sweep_at_) sweep(now);
  auto& slot = entries_[host];
  if (slot && slot->ready && now >= slot->expires) slot.reset();  // expired: ask again
  if (!slot) {
    slot = std::make_shared<entry>();
    // The entry may be swept or replaced before the answer comes: the answer fills it only if it
    // is still there (weakly held), and the clock and TTLs are copies.
    lookup_(host, [weak = std::weak_ptr<entry>(slot), now_fn = now_, ttl = ttl_](
                      boost::system::error_code error, address_list list) {
      const auto found = weak.lock();
      if (!found) return;
      found->ready = true;
      found->error = error;
      found->result = std::make_shared<const address_list>(std::move(list));
      found->expires = now_fn() + (error ? ttl.negative : ttl.positive);
      found->changed.notify_all();
    });
  }
  const auto e = slot;  // keep the entry alive while this check waits on it
  while (!e->ready && net::clock::now() < deadline) {
    co_await e->changed.wait_until(deadline);
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) break;
  }
  if (!e->ready) {
    co_return std::pair{asio::error::make_error_code(asio::error::timed_out), addresses{}};
  }
  co_return std::pair{e->error, e->result};
}

}  // namespace fleetcheck::probe
