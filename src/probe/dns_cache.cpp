#include "probe/dns_cache.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

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
  std::vector<asio::steady_timer*> waiters;
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

namespace {

std::pair<boost::system::error_code, std::vector<asio::ip::address>> blocking_resolve(
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

}  // namespace

dns_cache::dns_cache(asio::any_io_executor executor)
    : executor_(std::move(executor)), gate_(std::make_shared<gate>()) {
  gate_->executor = executor_;
}

dns_cache::~dns_cache() {
  close();
}

void dns_cache::close() {
  std::lock_guard lock(gate_->mutex);
  gate_->open = false;
}

asio::awaitable<std::pair<boost::system::error_code, dns_cache::addresses>> dns_cache::resolve(
    const std::string& host, net::clock::time_point deadline) {
  boost::system::error_code parse_error;
  const auto literal = asio::ip::make_address(host, parse_error);
  if (!parse_error) {
    co_return std::pair{boost::system::error_code{},
                        std::make_shared<const std::vector<asio::ip::address>>(1, literal)};
  }

  auto& slot = entries_[host];
  if (!slot) {
    slot = std::make_shared<entry>();
    resolver_pool::instance().submit([host, weak = std::weak_ptr<entry>(slot), gate = gate_] {
      auto [error, list] = blocking_resolve(host);
      std::lock_guard lock(gate->mutex);
      if (!gate->open) return;
      asio::post(gate->executor, [weak, error = error, list = std::move(list)]() mutable {
        const auto e = weak.lock();
        if (!e) return;
        e->ready = true;
        e->error = error;
        e->result = std::make_shared<const std::vector<asio::ip::address>>(std::move(list));
        for (auto* waiter : e->waiters) waiter->cancel();
        e->waiters.clear();
      });
    });
  }
  const auto e = slot;  // keep the entry alive while this check waits on it
  if (!e->ready) {
    asio::steady_timer wait(executor_, deadline);
    e->waiters.push_back(&wait);
    co_await wait.async_wait(net::use_nothrow);
    std::erase(e->waiters, &wait);
  }
  if (!e->ready) {
    co_return std::pair{asio::error::make_error_code(asio::error::timed_out), addresses{}};
  }
  co_return std::pair{e->error, e->result};
}

}  // namespace fleetcheck::probe
