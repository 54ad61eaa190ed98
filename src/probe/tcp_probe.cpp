#include <boost/asio/buffer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <fmt/format.h>

#include "probe/connect.hpp"
#include "probe/http_exchange.hpp"
#include "probe/http_probe.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;
using net::clock;

namespace {

/// What the server sent, printable and short, for messages.
std::string excerpt(std::string_view data) {
  std::string out;
  for (const char c : data.substr(0, 60)) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  if (data.size() > 60) out += "...";
  return out;
}

}  // namespace

asio::awaitable<core::probe_result> run_tcp_check(const core::target& t, check_context ctx) {
  attempt_record attempt(t, ctx);
  auto& result = attempt.result;
  auto& watch = attempt.watch;

  beast::tcp_stream stream(co_await asio::this_coro::executor);
  if (const auto ec = co_await resolve_and_connect(stream, t.host, t.port, ctx, watch, result)) {
    co_return attempt.fail(ec, 0);
  }
  if (!t.tcp.send.empty()) {
    watch.enter(core::probe_phase::write);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(t.tcp.send), net::use_nothrow);
    if (ec) co_return attempt.fail(ec, 0);
  }
  if (!t.tcp.expect.empty()) {
    watch.enter(core::probe_phase::first_byte);
    std::string data;
    char chunk[4096];
    bool first = true;
    while (data.find(t.tcp.expect) == std::string::npos) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), net::use_nothrow);
      if (first) {
        result.phases.first_byte = watch.lap();
        watch.enter(core::probe_phase::transfer);
        first = false;
      }
      data.append(chunk, n);
      if (ec == asio::error::eof || (!ec && data.size() > t.max_body_bytes)) {
        result.outcome = core::outcome::unhealthy;
        result.error = fmt::format("expected '{}', got '{}'", excerpt(t.tcp.expect), excerpt(data));
        co_return attempt.finish();
      }
      if (ec) {
        auto r = attempt.fail(ec, data.size());
        if (!data.empty()) r.error += fmt::format(" (got '{}')", excerpt(data));
        co_return r;
      }
    }
    result.phases.transfer = watch.lap();
  }
  watch.enter(core::probe_phase::done);
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  result.outcome = core::outcome::healthy;
  co_return attempt.finish();
}

}  // namespace fleetcheck::probe
