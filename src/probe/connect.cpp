#include "probe/connect.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "probe/classify.hpp"
#include "probe/dns_cache.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
using asio::ip::tcp;
using net::clock;

namespace {

/// Waits a little before retrying after EMFILE/EADDRNOTAVAIL, never past the deadline.
asio::awaitable<bool> back_off(clock::time_point deadline) {
  const auto resume = std::min(clock::now() + std::chrono::milliseconds(10), deadline);
  asio::steady_timer timer(co_await asio::this_coro::executor, resume);
  const auto [ec] = co_await timer.async_wait(net::use_nothrow);
  co_return !ec && clock::now() < deadline;
}

}  // namespace

asio::awaitable<boost::system::error_code> resolve_and_connect(boost::beast::tcp_stream& stream,
                                                               const core::endpoint& at,
                                                               context& ctx,
                                                               attempt_recorder& record,
                                                               bool want_ip) {
  record.enter(core::probe_phase::resolve);
  auto [resolve_error, addresses] = co_await ctx.dns.resolve(at.host, ctx.deadline.at);
  if (resolve_error) co_return resolve_error;

  std::vector<tcp::endpoint> endpoints;
  endpoints.reserve(addresses->size());
  for (const auto& address : *addresses) endpoints.emplace_back(address, at.port);

  record.enter(core::probe_phase::connect);
  for (;;) {
    stream.expires_at(ctx.deadline.at);
    auto [ec, endpoint] = co_await stream.async_connect(endpoints, net::use_nothrow);
    if (!ec) {
      if (want_ip) record.result.seen.ip = endpoint.address().to_string();
      break;
    }
    if (is_back_pressure(ec) && co_await back_off(ctx.deadline.at)) continue;
    co_return ec;
  }
  // No TCP_NODELAY: every request goes out in one writev, so Nagle never delays it, and at 100k
  // checks the saved syscall is measurable.
  co_return boost::system::error_code{};
}

}  // namespace fleetcheck::probe
