#pragma once
// Internal: the optional send/expect of a stream check (tcp://, tls://) on an established stream,
// plain or TLS. A header of templates so that both probes run exactly the same code.

#include <algorithm>
#include <optional>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <fmt/format.h>

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/check_settings.hpp"
#include "net/asio_aliases.hpp"
#include "probe/classify.hpp"
#include "probe/context.hpp"
#include "probe/tcp/reply_matcher.hpp"

namespace fleetcheck::probe {

/// How long a server that has answered without the expected text may stay quiet before the
/// answer is taken as final: long enough for a reply sent in several writes (its first byte took
/// as long to come), short enough that a wrong answer on a kept-open connection is decided at
/// once rather than at the timeout.
inline net::clock::duration settle_time(net::clock::duration first_byte) {
  return std::max<net::clock::duration>(std::chrono::milliseconds(100), first_byte);
}

/// With `s.stream.send`, sends it; with `s.stream.expect`, reads until the reply contains it. A
/// reply without it is decided as soon as the server closes, or goes quiet after answering (see
/// settle_time), and recorded as `record.result.seen.wrong_answer`. Returns the failure when the
/// exchange could not be made (I/O error, timeout), else nothing. Every read and write is bounded
/// by `deadline` through the lowest layer's expiry (a beast::tcp_stream).
template <class Stream>
net::asio::awaitable<std::optional<check::transport_failure>> exchange_stream(
    Stream& stream, const core::check_settings& s, attempt_recorder& record,
    net::clock::time_point deadline, const failure_context& about) {
  namespace asio = net::asio;
  using net::clock;
  const auto& exchange = s.stream;
  auto& lowest = boost::beast::get_lowest_layer(stream);
  if (!exchange.send.empty()) {
    record.enter(core::probe_phase::write);
    lowest.expires_at(deadline);
    auto [ec, n] =
        co_await asio::async_write(stream, asio::buffer(exchange.send), net::use_nothrow);
    if (ec) co_return classify(ec, record.current(), 0, about);
  }
  if (exchange.expect.empty()) co_return std::nullopt;

  const std::string_view expect = exchange.expect;
  // A reply is bounded like an HTTP body; past that it cannot be what was expected.
  const std::size_t most = std::max<std::size_t>(s.http.max_body_bytes, expect.size());
  record.enter(core::probe_phase::first_byte);
  const auto sent = clock::now();
  reply_matcher reply(expect, most);
  const auto& data = reply.data();
  char chunk[4096];
  const auto wrong = [&] {
    record.result.seen.wrong_answer =
        fmt::format("expected '{}', got '{}'", excerpt(expect), excerpt(data));
    return std::optional<check::transport_failure>{};
  };
  for (;;) {
    if (clock::now() >= deadline) {
      co_return check::transport_failure{core::failure::timeout, record.current(), "", data.size()};
    }
    // Once something has arrived, silence for the settle time means the answer is complete.
    const auto settled = data.empty()
                             ? deadline
                             : std::min(deadline, clock::now() + settle_time(clock::now() - sent));
    lowest.expires_at(settled);
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), net::use_nothrow);
    if (record.current() == core::probe_phase::first_byte && n > 0) {
      record.enter(core::probe_phase::transfer);
    }
    const auto seen = reply.feed(std::string_view(chunk, n));
    if (seen == reply_matcher::state::matched) co_return std::nullopt;
    // The end of the reply: a close (over TLS with or without close_notify), or too much of it.
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
        seen == reply_matcher::state::too_long) {
      co_return wrong();
    }
    if (ec == boost::beast::error::timeout && !data.empty() && clock::now() < deadline) {
      co_return wrong();
    }
    if (ec) {
      auto failure = classify(ec, record.current(), data.size(), about);
      if (!data.empty()) failure.message += fmt::format(" (got '{}')", excerpt(data));
      co_return failure;
    }
  }
}

}  // namespace fleetcheck::probe
