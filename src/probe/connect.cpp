#include "probe/connect.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "probe/dns_cache.hpp"
#include "probe/http_exchange.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
using asio::ip::tcp;
using net::clock;

namespace {

/// Waits a little before retrying after EMFILE/EADDRNOTAVAIL, never past the deadline.
asio::awaitable<bool> back_off(clock::time_point deadline) {
  const auto resume = std::min(clock::now() + std::chrono::milliseconds(10), deadline);
  asio::steady_timer timer(co_await asio::this_coro::executor, resume);
  co_await timer.async_wait(net::use_nothrow);
  co_return clock::now() < deadline;
}

}  // namespace

core::probe_result attempt_record::fail(const boost::system::error_code& ec, std::size_t received) {
  judge_failure(ec, watch.current(), ctx_.deadline_is_global,
                core::format_duration(target_.timeout), received, target_, result);
  return finish();
}

asio::awaitable<boost::system::error_code> resolve_and_connect(boost::beast::tcp_stream& stream,
                                                               const std::string& host,
                                                               std::uint16_t port,
                                                               check_context& ctx, stopwatch& watch,
                                                               core::probe_result& result) {
  watch.enter(core::probe_phase::resolve);
  auto [resolve_error, addresses] = co_await ctx.dns.resolve(host, ctx.deadline);
  result.phases.resolve += watch.lap();
  if (resolve_error) co_return resolve_error;

  std::vector<tcp::endpoint> endpoints;
  endpoints.reserve(addresses->size());
  for (const auto& address : *addresses) endpoints.emplace_back(address, port);

  watch.enter(core::probe_phase::connect);
  for (;;) {
    stream.expires_at(ctx.deadline);
    auto [ec, endpoint] = co_await stream.async_connect(endpoints, net::use_nothrow);
    if (!ec) break;
    if (is_back_pressure(ec) && co_await back_off(ctx.deadline)) continue;
    result.phases.connect += watch.lap();
    co_return ec;
  }
  result.phases.connect += watch.lap();
  // No TCP_NODELAY: every request goes out in one writev, so Nagle never delays it, and at 100k
  // checks the saved syscall is measurable.
  co_return boost::system::error_code{};
}

}  // namespace fleetcheck::probe
