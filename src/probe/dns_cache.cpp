#include "probe/dns_cache.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include "net/async_event.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;

/// Where the resolver threads hand results back. Closed (under the lock) when the dns_cache goes
/// away, so that a late getaddrinfo never posts to a destroyed io_context.
struct dns_cache::gate {
  std::mutex mutex;
  bool open = true;
  asio::any_io_executor executor;
};

struct dns_cache::entry {
  bool ready = false;
  boost::system::error_code error;
  addresses result;
  net::clock::time_point expires;
  net::async_event changed;
};

/// A few detached threads running getaddrinfo; shared by all caches of the process and never
/// joined, because joining could wait for a DNS server that does not answer.
class resolver_pool {
 public:
  static resolver_pool& instance() {
    static auto* pool = new resolver_pool();  // leaked on purpose: detached threads use it
    return *pool;
  }

  void submit(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(job));
      if (idle_ == 0 && threads_ < max_threads) {
        ++threads_;
        std::thread([this] { loop(); }).detach();
      }
    }
    ready_.notify_one();
  }

 private:
  static constexpr int max_threads = 8;

  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ++idle_;
      ready_.wait(lock, [this] { return !jobs_.empty(); });
      --idle_;
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  int threads_ = 0;
  int idle_ = 0;
};

std::pair<boost::system::error_code, dns_cache::address_list> dns_cache::system_resolver(
    const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
  std::vector<asio::ip::address> out;
  if (rc != 0) {
    const auto code = rc == EAI_NONAME || rc == EAI_NODATA ? asio::error::host_not_found
                      : rc == EAI_AGAIN                    ? asio::error::host_not_found_try_again
                                                           : asio::error::no_recovery;
    return {asio::error::make_error_code(code), out};
  }
  for (auto* ai = list; ai != nullptr; ai = ai->ai_next) {
    asio::ip::tcp::endpoint ep;
    if (ai->ai_addrlen > ep.capacity()) continue;
    std::memcpy(ep.data(), ai->ai_addr, ai->ai_addrlen);
    if (std::find(out.begin(), out.end(), ep.address()) == out.end()) out.push_back(ep.address());
  }
  ::freeaddrinfo(list);
  if (out.empty()) return {asio::error::make_error_code(asio::error::host_not_found), out};
  return {{}, std::move(out)};
}

dns_cache::dns_cache(asio::any_io_executor executor, dns_ttls ttl, blocking_resolver resolver,
                     std::function<net::clock::time_point()> now)
    : executor_(std::move(executor)),
      ttl_(ttl),
      resolver_(std::move(resolver)),
      now_(std::move(now)),
      gate_(std::make_shared<gate>()) {
  gate_->executor = executor_;
}

dns_cache::~dns_cache() {
  close();
}

void dns_cache::close() {
  std::lock_guard lock(gate_->mutex);
  gate_->open = false;
}

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
    resolver_pool::instance().submit([host, weak = std::weak_ptr<entry>(slot), gate = gate_,
                                      resolver = resolver_, now_fn = now_, ttl = ttl_] {
      auto [error, list] = resolver(host);
      std::lock_guard lock(gate->mutex);
      if (!gate->open) return;
      asio::post(gate->executor,
                 [weak, error = error, list = std::move(list), now_fn, ttl]() mutable {
                   const auto e = weak.lock();
                   if (!e) return;
                   e->ready = true;
                   e->error = error;
                   e->result = std::make_shared<const address_list>(std::move(list));
                   e->expires = now_fn() + (error ? ttl.negative : ttl.positive);
                   e->changed.notify_all();
                 });
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
