#include <chrono>
#include <random>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "mock/mock_session.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::mock {

core::duration response_delay(const mock_options& options) {
  thread_local std::minstd_rand rng(std::random_device{}());
  auto delay = options.delay;
  if (options.jitter.count() > 0) {
    std::uniform_int_distribution<core::duration::rep> spread(0, options.jitter.count());
    delay += core::duration(spread(rng));
  }
  return delay;
}

net::asio::awaitable<bool> accept_tls(net::asio::ssl::stream<net::asio::ip::tcp::socket>& stream) {
  // A client that never finishes its handshake is dropped, so it cannot pin a session forever.
  net::asio::steady_timer limit(co_await net::asio::this_coro::executor, std::chrono::seconds(10));
  limit.async_wait([&stream](boost::system::error_code ec) {
    if (!ec) stream.lowest_layer().close(ec);
  });
  auto [handshake_error] =
      co_await stream.async_handshake(net::asio::ssl::stream_base::server, net::use_nothrow);
  limit.cancel();
  co_return !handshake_error;
}

}  // namespace fleetcheck::mock
