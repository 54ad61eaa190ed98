#pragma once
// Test support: an HTTP server on loopback that records what it is sent, for alert receivers
// (and, with set_status, a target whose health the test flips).

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace fleetcheck::test_support {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

/// An HTTP server on 127.0.0.1 that records every request and answers with the next status of a
/// script (the last one repeats), or never answers when `hang`.
class webhook_receiver {
 public:
  struct request {
    std::string target;
    std::string content_type;
    std::string authorization;
    std::string body;
  };

  explicit webhook_receiver(std::vector<int> statuses, bool hang = false)
      : statuses_(std::move(statuses)), hang_(hang) {
    acceptor_.emplace(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port_ = acceptor_->local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~webhook_receiver() {
    ioc_.stop();
    thread_.join();
    acceptor_.reset();
  }

  std::string url(std::string_view path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  /// From now on every request is answered with `status`.
  void set_status(int status) {
    std::lock_guard lock(mutex_);
    statuses_ = {status};
  }
  std::vector<request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  /// Waits (at most 20 s) until `n` requests arrived.
  bool wait_for(std::size_t n) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, 20s, [&] { return requests_.size() >= n; });
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto socket = co_await acceptor_->async_accept(asio::use_awaitable);
      asio::co_spawn(ioc_, serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(tcp::socket socket) {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> req;
    co_await http::async_read(socket, buffer, req, asio::use_awaitable);
    int status = 0;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back({std::string(req.target()), std::string(req[http::field::content_type]),
                           std::string(req[http::field::authorization]), req.body()});
      status = statuses_[std::min(requests_.size() - 1, statuses_.size() - 1)];
    }
    arrived_.notify_all();
    if (hang_) {
      asio::steady_timer forever(ioc_, 1h);
      co_await forever.async_wait(asio::use_awaitable);
    }
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.body() = "ok";
    res.prepare_payload();
    co_await http::async_write(socket, res, asio::use_awaitable);
  }

  std::vector<int> statuses_;
  bool hang_;
  asio::io_context ioc_;
  std::optional<tcp::acceptor> acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<request> requests_;
};

}  // namespace fleetcheck::test_support
