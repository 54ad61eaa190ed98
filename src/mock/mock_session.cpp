#include "mock/mock_session.hpp"

#include <charconv>
#include <string>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "mock/chaos_faults.hpp"

namespace fleetcheck::mock {
namespace {

namespace asio = net::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

/// What one request asked for, after query parameters overrode the service's defaults.
struct plan {
  fault what = fault::none;
  int status = 200;
  core::duration delay{0};
  std::string bad_request;  // non-empty: answer 400 with this text
  bool not_found = false;
  std::string location;                  // non-empty: answer 302 with this Location
  std::size_t header_bytes = 12 * 1024;  // padding of huge-headers
};

plan make_plan(const http::request<http::string_body>& req, const service_behaviour& b) {
  plan p;
  p.what = b.default_fault;
  p.delay = response_delay(*b.options);
  auto parsed = boost::urls::parse_origin_form(req.target());
  if (!parsed) {
    p.bad_request = "malformed request target";
    return p;
  }
  if (parsed->path() != "/health" && parsed->path() != "/") p.not_found = true;
  for (const auto param : parsed->params()) {
    if (param.key == "delay") {
      try {
        p.delay = core::parse_duration(param.value);
      } catch (const std::invalid_argument& e) {
        p.bad_request = e.what();
      }
    } else if (param.key == "status") {
      int code = 0;
      const auto [end, ec] =
          std::from_chars(param.value.data(), param.value.data() + param.value.size(), code);
      if (ec != std::errc{} || code < 100 || code > 599) {
        p.bad_request = "status must be 100-599";
      } else {
        p.status = code;
      }
    } else if (param.key == "redirect") {
      p.location = param.value;
    } else if (param.key == "fail_first") {
      int times = 0;
      std::from_chars(param.value.data(), param.value.data() + param.value.size(), times);
      if (b.counter->next(std::string(req.target())) < times) p.status = 503;
    } else if (param.key == "fault") {
      if (const auto f = parse_fault(param.value)) {
        p.what = *f;
      } else {
        p.bad_request = "fault must be one of " + fault_names();
      }
    } else if (param.key == "header_bytes") {
      constexpr std::size_t most = 16 * 1024 * 1024;
      std::size_t bytes = 0;
      const auto [end, ec] =
          std::from_chars(param.value.data(), param.value.data() + param.value.size(), bytes);
      if (ec != std::errc{} || end != param.value.data() + param.value.size() || bytes > most) {
        p.bad_request = fmt::format("header_bytes must be 0-{}", most);
      } else {
        p.header_bytes = bytes;
      }
    }
  }
  if (p.what == fault::fail && p.status == 200) p.status = b.options->fail_status;
  return p;
}

asio::awaitable<void> sleep_for(core::duration d) {
  if (d.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(net::use_nothrow);
}

/// Streams a body far larger than any sane health endpoint sends.
template <class Stream>
asio::awaitable<void> send_big(Stream& socket) {
  constexpr std::size_t total = 10 * 1024 * 1024;
  const std::string head = fmt::format(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", total);
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(head), net::use_nothrow);
  static const std::string chunk(64 * 1024, 'x');
  for (std::size_t sent = 0; !ec && sent < total; sent += chunk.size()) {
    std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(chunk), net::use_nothrow);
  }
}

/// Headers at once, then the body one byte every 100 ms.
template <class Stream>
asio::awaitable<void> send_slowly(Stream& socket) {
  constexpr std::size_t length = 100;
  const std::string head = fmt::format(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", length);
  boost::system::error_code ignored;
  beast::get_lowest_layer(socket).set_option(tcp::no_delay(true), ignored);  // each byte goes now
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(head), net::use_nothrow);
  for (std::size_t i = 0; !ec && i < length; ++i) {
    co_await sleep_for(std::chrono::milliseconds(100));
    std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(" ", 1), net::use_nothrow);
  }
}

/// Serves requests on a plain or TLS stream until the client closes or a fault ends it; says how
/// the connection should end.
template <class Stream>
asio::awaitable<after_fault> serve_requests(Stream& socket, const service_behaviour& behaviour) {
  boost::system::error_code ignored;
  auto& lowest = beast::get_lowest_layer(socket);
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);
    auto [read_error, n] = co_await http::async_read(socket, buffer, parser, net::use_nothrow);
    if (read_error) co_return after_fault::done;
    auto& req = parser.get();
    behaviour.served->fetch_add(1, std::memory_order_relaxed);
    const plan p = make_plan(req, behaviour);

    http::response<http::string_body> res;
    res.version(11);
    res.keep_alive(req.keep_alive());
    res.set(http::field::server, "fleetcheck-mock");
    res.set(http::field::content_type, "application/json");
    if (!p.bad_request.empty() || p.not_found) {
      res.result(p.not_found ? http::status::not_found : http::status::bad_request);
      res.body() = fmt::format(R"({{"error":"{}"}})", p.not_found ? "no such path" : p.bad_request);
    } else {
      co_await sleep_for(p.delay);
      if (is_chaos_fault(p.what)) {
        const auto next = co_await run_chaos_fault(
            socket, buffer, chaos_request{p.what, req.keep_alive(), p.header_bytes});
        if (next == after_fault::next_request) continue;
        if (next != after_fault::answer) co_return next;
      }
      switch (p.what) {
        case fault::hang:
          // Never answer; keep the connection until the client gives up.
          for (boost::system::error_code ec; !ec;) {
            std::tie(ec, n) =
                co_await socket.async_read_some(buffer.prepare(512), net::use_nothrow);
          }
          co_return after_fault::done;
        case fault::reset:
          lowest.set_option(asio::socket_base::linger(true, 0), ignored);
          lowest.close(ignored);  // with linger 0: RST, not FIN
          co_return after_fault::done;
        case fault::garbage: {
          static constexpr std::string_view junk =
              "\x16\x03\x01 this is not HTTP at all \xff\xfe\r\n\r\n";
          co_await asio::async_write(socket, asio::buffer(junk.data(), junk.size()),
                                     net::use_nothrow);
          lowest.shutdown(tcp::socket::shutdown_send, ignored);
          co_return after_fault::done;
        }
        case fault::big:
          co_await send_big(socket);
          co_return after_fault::done;
        case fault::slow:
          co_await send_slowly(socket);
          co_return after_fault::done;
        default:  // none, fail, and the chaos faults that end in an ordinary answer
          break;
      }
      res.result(static_cast<unsigned>(p.status));
      if (!p.location.empty()) {
        res.result(http::status::found);
        res.set(http::field::location, p.location);
      }
      res.body() =
          p.status >= 200 && p.status < 300 ? R"({"status":"ok"})" : R"({"status":"down"})";
    }
    // 1xx, 204 and 304 have no body and no Content-Length (RFC 9110); Beast's prepare_payload
    // throws for them when a body is set, which used to drop the connection without an answer.
    const auto code = res.result_int();
    if (code < 200 || code == 204 || code == 304) {
      res.body().clear();
    } else {
      res.prepare_payload();
    }
    const bool keep_alive = res.keep_alive();
    auto [write_error, written] = co_await http::async_write(socket, res, net::use_nothrow);
    if (write_error) co_return after_fault::done;
    if (!keep_alive) co_return after_fault::close;
  }
}

/// Sends TLS close_notify without waiting for the client's: marking the client's as received
/// lets SSL_shutdown finish after one write, so a client that never answers cannot hold us.
asio::awaitable<void> send_close_notify(asio::ssl::stream<tcp::socket>& stream) {
  ::SSL_set_shutdown(stream.native_handle(), SSL_RECEIVED_SHUTDOWN);
  co_await stream.async_shutdown(net::use_nothrow);
}

}  // namespace

asio::awaitable<void> serve_session(tcp::socket socket, service_behaviour behaviour) {
  if (behaviour.options->protocol == protocol::grpc) {
    co_await serve_grpc(std::move(socket), behaviour);
    co_return;
  }
  if (behaviour.options->protocol != protocol::http) {
    co_await serve_redis(std::move(socket), behaviour);
    co_return;
  }
  if (is_chaos_fault(behaviour.default_fault) &&
      co_await run_connection_fault(socket, behaviour.default_fault, behaviour.tls != nullptr)) {
    co_return;
  }
  if (behaviour.tls == nullptr) {
    // Returning closes the socket (FIN), with or without close_notify alike: there is no TLS.
    co_await serve_requests(socket, behaviour);
    co_return;
  }
  asio::ssl::stream<tcp::socket> stream(std::move(socket), *behaviour.tls);
  if (!co_await accept_tls(stream)) co_return;
  switch (co_await serve_requests(stream, behaviour)) {
    case after_fault::close:
      co_await send_close_notify(stream);
      break;
    case after_fault::close_no_notify: {
      boost::system::error_code ignored;
      stream.lowest_layer().shutdown(tcp::socket::shutdown_send, ignored);  // FIN, no TLS alert
      break;
    }
    default:
      break;
  }
}

}  // namespace fleetcheck::mock
