#include "probe/http_probe.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "probe/dns_cache.hpp"
#include "probe/http_exchange.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using net::clock;

namespace {

/// Records how long each step took, as the check moves from one to the next.
class stopwatch {
 public:
  explicit stopwatch(std::atomic<core::probe_phase>& phase) : phase_(phase) {}

  void enter(core::probe_phase next) {
    phase_.store(next, std::memory_order_relaxed);
    current_ = next;
    lap_ = clock::now();
  }
  double lap() const { return net::seconds_between(lap_, clock::now()); }
  core::probe_phase current() const { return current_; }

 private:
  std::atomic<core::probe_phase>& phase_;
  core::probe_phase current_ = core::probe_phase::queued;
  clock::time_point lap_ = clock::now();
};

/// Waits a little before retrying after EMFILE/EADDRNOTAVAIL, never past the deadline.
asio::awaitable<bool> back_off(clock::time_point deadline) {
  const auto resume = std::min(clock::now() + std::chrono::milliseconds(10), deadline);
  asio::steady_timer timer(co_await asio::this_coro::executor, resume);
  co_await timer.async_wait(net::use_nothrow);
  co_return clock::now() < deadline;
}

}  // namespace

asio::awaitable<core::probe_result> run_http_check(const core::target& t, check_context ctx) {
  const auto started = clock::now();
  core::probe_result result;
  result.attempts = 1;
  stopwatch watch(ctx.phase);
  std::size_t received = 0;
  const auto fail = [&](const boost::system::error_code& ec) {
    judge_failure(ec, watch.current(), ctx.deadline_is_global, core::format_duration(t.timeout),
                  received, t, result);
    result.duration_seconds = net::seconds_between(started, clock::now());
    return result;
  };

  watch.enter(core::probe_phase::resolve);
  auto [resolve_error, addresses] = co_await ctx.dns.resolve(t.host, ctx.deadline);
  result.phases.resolve = watch.lap();
  if (resolve_error) co_return fail(resolve_error);

  std::vector<tcp::endpoint> endpoints;
  endpoints.reserve(addresses->size());
  for (const auto& address : *addresses) endpoints.emplace_back(address, t.port);

  beast::tcp_stream stream(co_await asio::this_coro::executor);
  watch.enter(core::probe_phase::connect);
  for (;;) {
    stream.expires_at(ctx.deadline);
    auto [ec, endpoint] = co_await stream.async_connect(endpoints, net::use_nothrow);
    if (!ec) break;
    if (is_back_pressure(ec) && co_await back_off(ctx.deadline)) continue;
    result.phases.connect = watch.lap();
    co_return fail(ec);
  }
  result.phases.connect = watch.lap();
  stream.socket().set_option(tcp::no_delay(true));

  watch.enter(core::probe_phase::write);
  const auto request = make_request(t);
  auto [write_error, written] = co_await http::async_write(stream, request, net::use_nothrow);
  if (write_error) co_return fail(write_error);

  // The first read is separate so that "server think time" and "transfer" can be told apart.
  watch.enter(core::probe_phase::first_byte);
  beast::flat_buffer buffer;
  auto [read_error, first] = co_await stream.async_read_some(buffer.prepare(2048), net::use_nothrow);
  result.phases.first_byte = watch.lap();
  if (read_error) co_return fail(read_error);
  buffer.commit(first);
  received = first;

  watch.enter(core::probe_phase::transfer);
  response_parser parser;
  configure_parser(parser, t);
  auto [parse_error, parsed] = co_await http::async_read(stream, buffer, parser, net::use_nothrow);
  result.phases.transfer = watch.lap();
  received = std::max(received, parsed);
  if (parse_error) co_return fail(parse_error);

  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  watch.enter(core::probe_phase::done);
  judge_response(t, parser, result);
  result.duration_seconds = net::seconds_between(started, clock::now());
  co_return result;
}

}  // namespace fleetcheck::probe
