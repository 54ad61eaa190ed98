#include "mock/chaos_faults.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <string>
#include <string_view>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <fmt/format.h>

namespace fleetcheck::mock {
namespace {

namespace asio = net::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using namespace std::chrono_literals;

/// Writes all of `bytes`; false when the client is gone (or the connection broke).
template <class Stream>
asio::awaitable<bool> write_all(Stream& stream, std::string_view bytes) {
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()),
                                            net::use_nothrow);
  co_return !ec;
}

/// Keeps the connection open without answering: reads and drops what the client sends until it
/// closes (reading is how a closed client is noticed, so the session does not outlive it).
template <class Stream>
asio::awaitable<void> hold_until_client_closes(Stream& stream, beast::flat_buffer& buffer) {
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(512), net::use_nothrow);
    if (ec) co_return;
  }
}

/// Keeps the connection open without reading a byte, so the client's data stays unread in the
/// kernel. Without reading, a client that closes is noticed by the socket's TCP state instead
/// (CLOSE_WAIT once its FIN came), polled a few times a second.
asio::awaitable<void> hold_without_reading(tcp::socket& socket) {
  asio::steady_timer poll(socket.get_executor());
  for (;;) {
    poll.expires_after(200ms);
    auto [ec] = co_await poll.async_wait(net::use_nothrow);
    if (ec || !socket.is_open()) co_return;
    tcp_info info{};
    socklen_t length = sizeof info;
    if (::getsockopt(socket.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &length) != 0 ||
        info.tcpi_state != TCP_ESTABLISHED) {
      co_return;
    }
  }
}

template <class Stream>
void send_each_byte_at_once(Stream& stream) {
  boost::system::error_code ignored;
  beast::get_lowest_layer(stream).set_option(tcp::no_delay(true), ignored);
}

/// A status line, then header lines one byte at a time; the empty line that ends a head never
/// comes.
template <class Stream>
asio::awaitable<after_fault> slowloris(Stream& stream) {
  send_each_byte_at_once(stream);
  if (!co_await write_all(stream, "HTTP/1.1 200 OK\r\n")) co_return after_fault::done;
  static constexpr std::string_view drip = "X-Slowloris: 1\r\n";
  asio::steady_timer timer(stream.get_executor());
  for (std::size_t i = 0;; ++i) {
    timer.expires_after(100ms);
    auto [ec] = co_await timer.async_wait(net::use_nothrow);
    if (ec || !co_await write_all(stream, drip.substr(i % drip.size(), 1)))
      co_return after_fault::done;
  }
}

/// At least `bytes` of `X-Pad-N: aaa...` header lines, none longer than 100 bytes.
void append_padding(std::string& head, std::size_t bytes) {
  std::size_t left = bytes;
  for (std::size_t n = 1; left > 0; ++n) {
    const auto before = head.size();
    fmt::format_to(std::back_inserter(head), "X-Pad-{}: ", n);
    const auto overhead = head.size() - before + 2;
    const auto value = left > overhead ? std::min<std::size_t>(left - overhead, 100 - overhead) : 1;
    head.append(value, 'a');
    head += "\r\n";
    left -= std::min(left, head.size() - before);
  }
}

template <class Stream>
asio::awaitable<after_fault> huge_headers(Stream& stream, const chaos_request& r) {
  std::string response = "HTTP/1.1 200 OK\r\nServer: fleetcheck-mock\r\n";
  append_padding(response, r.header_bytes);
  response += "Content-Type: application/json\r\nContent-Length: 15\r\n";
  if (!r.keep_alive) response += "Connection: close\r\n";
  response += "\r\n{\"status\":\"ok\"}";
  if (!co_await write_all(stream, response)) co_return after_fault::done;
  co_return r.keep_alive ? after_fault::next_request : after_fault::close;
}

/// Chunks of 16 KiB as fast as the client takes them, until it goes away.
template <class Stream>
asio::awaitable<after_fault> endless(Stream& stream) {
  static const std::string chunk = [] {
    std::string c = "4000\r\n";
    c.append(0x4000, 'x');
    return c + "\r\n";
  }();
  bool open = co_await write_all(stream,
                                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n");
  while (open) open = co_await write_all(stream, chunk);
  co_return after_fault::done;
}

// Invalid UTF-8 (\xff, \xfe, the truncated sequence \xc3\x28) wherever a response carries text.
// Control characters other than tab go only into the body: in a status line or a header they make
// the response malformed for a strict parser (RFC 9112), and this fault is about parsable responses
// with hostile bytes, whose text a checker must quote safely. Literals are split where a hex
// escape would otherwise swallow the next letter.
constexpr std::string_view hostile_fields =
    "Content-Type: application/json\r\n"
    "X-Bad: \xff\xfe \xc3\x28\tend\r\n"
    "Location: /h\xff"
    "ealth/\xc3\x28\r\n";
constexpr std::string_view hostile_body =
    "{\"status\":\"\xff\xfe ok\"}\xc3\x28\x01\t\x1b[31m\x80\x7f";

template <class Stream>
asio::awaitable<after_fault> non_utf8(Stream& stream, const chaos_request& r, bool unavailable) {
  std::string response = unavailable ? "HTTP/1.1 503 Service \xffUnavailable\r\n"
                                     : "HTTP/1.1 200 OK \xff\xfe\xc3\x28\tfine\r\n";
  response += hostile_fields;
  fmt::format_to(std::back_inserter(response), "Content-Length: {}\r\n", hostile_body.size());
  if (!r.keep_alive) response += "Connection: close\r\n";
  response += "\r\n";
  response += hostile_body;
  if (!co_await write_all(stream, response)) co_return after_fault::done;
  co_return r.keep_alive ? after_fault::next_request : after_fault::close;
}

/// What an HTTP/2-only server (prior knowledge, no HTTP/1.1) sends when HTTP/1.1 arrives instead of
/// the connection preface: its own SETTINGS, then GOAWAY with PROTOCOL_ERROR.
constexpr unsigned char http2_refusal[] = {
    0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,  // SETTINGS, empty, stream 0
    0x00, 0x00, 0x08, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00,  // GOAWAY, 8 bytes, stream 0
    0x00, 0x00, 0x00, 0x00,                                // last stream id 0
    0x00, 0x00, 0x00, 0x01,                                // PROTOCOL_ERROR
};

}  // namespace

bool is_chaos_fault(fault f) {
  return f > fault::slow;
}

template <class Stream>
asio::awaitable<after_fault> run_chaos_fault(Stream& stream, beast::flat_buffer& buffer,
                                             const chaos_request& r) {
  static constexpr std::string_view ok_body = "{\"status\":\"ok\"}";
  boost::system::error_code ignored;
  auto& lowest = beast::get_lowest_layer(stream);
  switch (r.what) {
    case fault::slowloris:
      co_return co_await slowloris(stream);
    case fault::huge_headers:
      co_return co_await huge_headers(stream, r);
    case fault::endless:
      co_return co_await endless(stream);
    case fault::short_body:
    case fault::short_body_close:
      if (!co_await write_all(stream,
                              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: 1000\r\n\r\n{\"status\":")) {
        co_return after_fault::done;
      }
      if (r.what == fault::short_body_close) co_return after_fault::close;
      co_await hold_until_client_closes(stream, buffer);
      co_return after_fault::done;
    case fault::tls_stall:  // per request, the handshake is long done: just stop, like below
    case fault::accept_no_read:
      co_await hold_without_reading(lowest);
      co_return after_fault::done;
    case fault::close:
      co_return after_fault::close;
    case fault::rst_after_headers:
      if (co_await write_all(stream,
                             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             "Content-Length: 100\r\n\r\n")) {
        lowest.set_option(asio::socket_base::linger(true, 0), ignored);
        lowest.close(ignored);  // with linger 0: RST, not FIN
      }
      co_return after_fault::done;
    case fault::continue_then_nothing:
      if (co_await write_all(stream, "HTTP/1.1 100 Continue\r\n\r\n")) {
        co_await hold_until_client_closes(stream, buffer);
      }
      co_return after_fault::done;
    case fault::early_hints:
      co_return co_await write_all(stream,
                                   "HTTP/1.1 103 Early Hints\r\n"
                                   "Link: </style.css>; rel=preload\r\n\r\n")
          ? after_fault::answer
          : after_fault::done;
    case fault::continue_then_ok:
      co_return co_await write_all(stream, "HTTP/1.1 100 Continue\r\n\r\n") ? after_fault::answer
                                                                            : after_fault::done;
    case fault::non_utf8:
    case fault::non_utf8_503:
      co_return co_await non_utf8(stream, r, r.what == fault::non_utf8_503);
    case fault::http2:
      co_return co_await write_all(
          stream,
          std::string_view(reinterpret_cast<const char*>(http2_refusal), sizeof http2_refusal))
          ? after_fault::close
          : after_fault::done;
    case fault::close_no_notify:
      co_return co_await write_all(stream, fmt::format("HTTP/1.1 200 OK\r\nContent-Type: "
                                                       "application/json\r\nContent-Length: {}\r\n"
                                                       "Connection: close\r\n\r\n{}",
                                                       ok_body.size(), ok_body))
          ? after_fault::close_no_notify
          : after_fault::done;
    case fault::close_no_notify_http10:
      co_return co_await write_all(stream, fmt::format("HTTP/1.0 200 OK\r\nContent-Type: "
                                                       "application/json\r\n\r\n{}",
                                                       ok_body))
          ? after_fault::close_no_notify
          : after_fault::done;
    case fault::close_no_notify_chunked:
      co_return co_await write_all(stream,
                                   fmt::format("HTTP/1.1 200 OK\r\nContent-Type: "
                                               "application/json\r\nTransfer-Encoding: chunked\r\n"
                                               "Connection: close\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
                                               ok_body.size(), ok_body))
          ? after_fault::close_no_notify
          : after_fault::done;
    case fault::none:
    case fault::fail:
    case fault::hang:
    case fault::reset:
    case fault::garbage:
    case fault::big:
    case fault::slow:
      break;
  }
  co_return after_fault::answer;
}

template asio::awaitable<after_fault> run_chaos_fault(tcp::socket&, beast::flat_buffer&,
                                                      const chaos_request&);
template asio::awaitable<after_fault> run_chaos_fault(asio::ssl::stream<tcp::socket>&,
                                                      beast::flat_buffer&, const chaos_request&);

asio::awaitable<bool> run_connection_fault(tcp::socket& socket, fault f, bool tls) {
  switch (f) {
    case fault::close: {
      // FIN at once, then drop whatever the client had already sent until it closes too: closing
      // with its request unread would make the kernel answer RST instead of the intended EOF.
      boost::system::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_send, ignored);
      beast::flat_buffer sink;
      co_await hold_until_client_closes(socket, sink);
      co_return true;
    }
    case fault::tls_stall:
      if (tls) {
        // Take the ClientHello and never answer it; reading notices a client that gives up.
        beast::flat_buffer sink;
        co_await hold_until_client_closes(socket, sink);
        co_return true;
      }
      [[fallthrough]];  // no TLS to stall: the nearest thing is a server that never reads
    case fault::accept_no_read:
      co_await hold_without_reading(socket);
      co_return true;
    default:
      co_return false;
  }
}

}  // namespace fleetcheck::mock
