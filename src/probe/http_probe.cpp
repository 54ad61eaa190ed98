#include "probe/http_probe.hpp"

#include <optional>

#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "probe/connect.hpp"
#include "probe/http_exchange.hpp"
#include "probe/tls_client.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;
using net::clock;

namespace {

/// Writes the request and reads the response on an established stream, plain or TLS. The first
/// read is separate so that the server's think time and the transfer can be told apart.
template <class Stream>
asio::awaitable<boost::system::error_code> exchange(Stream& stream,
                                                    const http::request<http::string_body>& req,
                                                    response_parser& parser, stopwatch& watch,
                                                    core::probe_result& result,
                                                    std::size_t& received) {
  watch.enter(core::probe_phase::write);
  auto [write_error, written] = co_await http::async_write(stream, req, net::use_nothrow);
  if (write_error) co_return write_error;

  watch.enter(core::probe_phase::first_byte);
  beast::flat_buffer buffer;
  auto [read_error, first] =
      co_await stream.async_read_some(buffer.prepare(2048), net::use_nothrow);
  result.phases.first_byte += watch.lap();
  if (read_error) co_return read_error;
  buffer.commit(first);
  received = first;

  watch.enter(core::probe_phase::transfer);
  auto [parse_error, parsed] = co_await http::async_read(stream, buffer, parser, net::use_nothrow);
  result.phases.transfer += watch.lap();
  received = std::max(received, parsed);
  co_return parse_error;
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// The next request after a 3xx, or why it cannot be made.
std::optional<request_line> follow(const request_line& from, int status, std::string_view location,
                                   std::string& why) {
  const bool https = from.kind == core::target_kind::https;
  const bool ipv6 = from.host.find(':') != std::string::npos;
  const auto base_text =
      fmt::format("{}://{}:{}{}", https ? "https" : "http",
                  ipv6 ? "[" + from.host + "]" : from.host, from.port, from.path);
  const auto base = boost::urls::parse_uri(base_text);
  const auto ref = boost::urls::parse_uri_reference(location);
  boost::urls::url next;
  if (!base || !ref || !boost::urls::resolve(*base, *ref, next)) {
    why = fmt::format("invalid redirect Location '{}'", location);
    return std::nullopt;
  }
  request_line line = from;
  if (next.scheme_id() == boost::urls::scheme::http) {
    line.kind = core::target_kind::http;
    line.port = 80;
  } else if (next.scheme_id() == boost::urls::scheme::https) {
    line.kind = core::target_kind::https;
    line.port = 443;
  } else {
    why = fmt::format("redirect to unsupported URL '{}'", location);
    return std::nullopt;
  }
  line.host = next.host_address();
  if (next.has_port()) line.port = next.port_number();
  line.path = next.encoded_path().empty() ? "/" : std::string(next.encoded_path());
  if (next.has_query()) line.path += "?" + std::string(next.encoded_query());
  // What browsers and curl do: 303 always, and 301/302 after a POST, continue with a GET.
  if (status == 303 || ((status == 301 || status == 302) && from.method == "POST")) {
    line.method = "GET";
    line.body.clear();
  }
  return line;
}

}  // namespace

asio::awaitable<core::probe_result> run_http_check(const core::target& t, check_context ctx) {
  attempt_record attempt(t, ctx);
  auto& result = attempt.result;
  auto& watch = attempt.watch;
  std::size_t received = 0;
  const auto fail = [&](const boost::system::error_code& ec) { return attempt.fail(ec, received); };

  request_line line = request_line_of(t);
  for (;;) {
    beast::tcp_stream tcp(co_await asio::this_coro::executor);
    if (const auto ec =
            co_await resolve_and_connect(tcp, line.host, line.port, ctx, watch, result)) {
      co_return fail(ec);
    }
    const auto request = make_request(t, line);
    response_parser parser;
    configure_parser(parser, t, line.method);
    boost::system::error_code ec;
    if (line.kind == core::target_kind::https) {
      auto& tls_context = ctx.tls.get(t.tls);
      // Declared before the stream: OpenSSL may call back into it until the stream is gone.
      session_sink sink{&ctx.sessions,
                        fmt::format("{}|{}|{}|{}", line.host, line.port, t.tls.server_name,
                                    static_cast<void*>(&tls_context))};
      beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), tls_context);
      SSL* ssl = stream.native_handle();
      prepare_verification(ssl, line.host, t.tls);
      attach_session_sink(ssl, &sink);
      watch.enter(core::probe_phase::tls);
      const bool leader = co_await ctx.sessions.prepare(ssl, sink.key, ctx.deadline);
      auto [handshake_error] =
          co_await stream.async_handshake(asio::ssl::stream_base::client, net::use_nothrow);
      if (leader) ctx.sessions.leader_done(sink.key, !handshake_error);
      result.phases.tls += watch.lap();
      result.cert_expires_at = earliest_certificate_expiry(ssl);
      result.tls_resumed = SSL_session_reused(ssl) == 1;
      if (handshake_error && handshake_error != beast::error::timeout) {
        result.outcome = core::outcome::error;
        result.error = describe_handshake_failure(
            ssl, handshake_error, t.tls.server_name.empty() ? line.host : t.tls.server_name);
        co_return attempt.finish();
      }
      if (handshake_error) co_return fail(handshake_error);
      ec = co_await exchange(stream, request, parser, watch, result, received);
    } else {
      ec = co_await exchange(tcp, request, parser, watch, result, received);
    }
    if (ec) co_return fail(ec);
    watch.enter(core::probe_phase::done);

    const int status = static_cast<int>(parser.get().result_int());
    const auto location = parser.get()[http::field::location];
    if (is_redirect(status) && !location.empty() && result.redirects < t.follow_redirects) {
      std::string why;
      if (auto next = follow(line, status, location, why)) {
        line = std::move(*next);
        ++result.redirects;
        continue;
      }
      result.outcome = core::outcome::error;
      result.http_status = status;
      result.error = why;
      co_return attempt.finish();
    }
    judge_response(t, parser, result);
    if (is_redirect(status) && result.outcome == core::outcome::unhealthy) {
      result.error += t.follow_redirects == 0
                          ? fmt::format(" (redirect to '{}' not followed: set follow_redirects)",
                                        std::string_view(location))
                          : fmt::format(" (more than {} redirects)", t.follow_redirects);
    }
    co_return attempt.finish();
  }
}

}  // namespace fleetcheck::probe
