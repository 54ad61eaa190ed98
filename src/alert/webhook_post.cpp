#include "alert/webhook_post.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

#include "fleetcheck/core/check_settings.hpp"
#include "probe/dns_cache.hpp"
#include "probe/http/request.hpp"
#include "probe/tls_client.hpp"

namespace fleetcheck::alert {

namespace asio = net::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

/// Clears the abort hook when the POST ends, whichever way.
struct abort_hook {
  std::function<void()>& slot;
  ~abort_hook() { slot = nullptr; }
};

std::string describe(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  return ec.message();
}

template <class Stream>
asio::awaitable<post_outcome> exchange(Stream& stream,
                                       const http::request<http::string_body>& request) {
  auto [write_error, written] = co_await http::async_write(stream, request, net::use_nothrow);
  if (write_error) co_return post_outcome{0, "sending: " + describe(write_error)};
  // Only the status matters: the body is never read, and Connection: close ends the exchange.
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.header_limit(16 * 1024);
  auto [read_error, read] =
      co_await http::async_read_header(stream, buffer, parser, net::use_nothrow);
  if (read_error) co_return post_outcome{0, "reading the response: " + describe(read_error)};
  co_return post_outcome{static_cast<int>(parser.get().result_int()), {}};
}

}  // namespace

asio::awaitable<post_outcome> post_json(const alert_channel& channel, const std::string& body,
                                        post_context ctx, net::clock::time_point deadline) {
  const auto& at = channel.endpoint.at;
  // The TLS context first: it is the system CA store, built once and shared.
  boost::asio::ssl::context* tls_context = nullptr;
  if (channel.endpoint.tls) {
    auto built = probe::context_for(ctx.tls, core::tls_settings{});
    if (!built) co_return post_outcome{0, "TLS: " + built.error()};
    tls_context = *built;
  }
  auto [resolve_error, addresses] = co_await ctx.dns.resolve(at.host, deadline);
  if (resolve_error)
    co_return post_outcome{0, "resolving " + at.host + ": " + describe(resolve_error)};
  std::vector<tcp::endpoint> endpoints;
  for (const auto& address : *addresses) endpoints.emplace_back(address, at.port);

  beast::tcp_stream tcp_stream(co_await asio::this_coro::executor);
  abort_hook hook{ctx.abort};
  ctx.abort = [&tcp_stream] { tcp_stream.socket().close(); };
  tcp_stream.expires_at(deadline);
  auto [connect_error, peer] = co_await tcp_stream.async_connect(endpoints, net::use_nothrow);
  if (connect_error) co_return post_outcome{0, "connecting: " + describe(connect_error)};

  core::check_settings settings;
  settings.http.request.headers.emplace_back("Content-Type", "application/json");
  for (const auto& header : channel.headers) settings.http.request.headers.push_back(header);
  const probe::request_line line{channel.endpoint.tls, at, channel.endpoint.path, "POST", body};
  const auto request = probe::make_request(settings, line);

  if (!channel.endpoint.tls) co_return co_await exchange(tcp_stream, request);

  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *tls_context);
  ctx.abort = [&stream] { beast::get_lowest_layer(stream).socket().close(); };
  probe::prepare_verification(stream.native_handle(), at.host, core::tls_settings{});
  auto [handshake_error] =
      co_await stream.async_handshake(asio::ssl::stream_base::client, net::use_nothrow);
  if (handshake_error) {
    bool is_certificate = false;
    co_return post_outcome{
        0, "TLS: " + probe::describe_handshake_failure(stream.native_handle(), handshake_error,
                                                       at.host, is_certificate)};
  }
  co_return co_await exchange(stream, request);
}

}  // namespace fleetcheck::alert
