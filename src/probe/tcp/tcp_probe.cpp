#include "probe/tcp/tcp_probe.hpp"

#include <algorithm>

#include <boost/asio/buffer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <fmt/format.h>

#include "probe/classify.hpp"
#include "probe/connect.hpp"
#include "probe/tcp/reply_matcher.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;
using net::clock;

namespace {

/// How long a server that has answered without the expected text may stay quiet before the
/// answer is taken as final: long enough for a reply sent in several writes (its first byte took
/// as long to come), short enough that a wrong answer on a kept-open connection is decided at
/// once rather than at the timeout.
clock::duration settle_time(clock::duration first_byte) {
  return std::max<clock::duration>(std::chrono::milliseconds(100), first_byte);
}

}  // namespace

asio::awaitable<check::attempt_result> attempt(const core::target& t, const core::tcp_spec& spec,
                                               context& ctx) {
  attempt_recorder record(ctx.phase);
  const auto& exchange = t.settings.stream;
  const failure_context about{spec.at.host, 0, 0};

  beast::tcp_stream stream(co_await asio::this_coro::executor);
  if (const auto ec = co_await resolve_and_connect(stream, spec.at, ctx, record,
                                                   !t.settings.conditions.empty())) {
    co_return record.fail(classify(ec, record.current(), 0, about));
  }
  if (!exchange.send.empty()) {
    record.enter(core::probe_phase::write);
    auto [ec, n] =
        co_await asio::async_write(stream, asio::buffer(exchange.send), net::use_nothrow);
    if (ec) co_return record.fail(classify(ec, record.current(), 0, about));
  }
  if (!exchange.expect.empty()) {
    const std::string_view expect = exchange.expect;
    // A reply is bounded like an HTTP body; past that it cannot be what was expected.
    const std::size_t most = std::max<std::size_t>(t.settings.http.max_body_bytes, expect.size());
    record.enter(core::probe_phase::first_byte);
    const auto sent = clock::now();
    reply_matcher reply(expect, most);
    const auto& data = reply.data();
    char chunk[4096];
    const auto wrong = [&] {
      record.result.seen.wrong_answer =
          fmt::format("expected '{}', got '{}'", excerpt(expect), excerpt(data));
      return record.finish();
    };
    for (;;) {
      if (clock::now() >= ctx.deadline.at) {
        co_return record.fail(core::failure::timeout, "", data.size());
      }
      // Once something has arrived, silence for the settle time means the answer is complete.
      const auto settled =
          data.empty() ? ctx.deadline.at
                       : std::min(ctx.deadline.at, clock::now() + settle_time(clock::now() - sent));
      stream.expires_at(settled);
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), net::use_nothrow);
      if (record.current() == core::probe_phase::first_byte && n > 0) {
        record.enter(core::probe_phase::transfer);
      }
      const auto seen = reply.feed(std::string_view(chunk, n));
      if (seen == reply_matcher::state::matched) break;
      if (ec == asio::error::eof || seen == reply_matcher::state::too_long) co_return wrong();
      if (ec == beast::error::timeout && !data.empty() && clock::now() < ctx.deadline.at) {
        co_return wrong();
      }
      if (ec) {
        auto failure = classify(ec, record.current(), data.size(), about);
        if (!data.empty()) failure.message += fmt::format(" (got '{}')", excerpt(data));
        co_return record.fail(std::move(failure));
      }
    }
  }
  record.enter(core::probe_phase::done);
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return record.finish();
}

}  // namespace fleetcheck::probe
