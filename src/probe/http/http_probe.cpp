#include "probe/http/http_probe.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "probe/classify.hpp"
#include "probe/connect.hpp"
#include "probe/http/capped_body.hpp"
#include "probe/http/request.hpp"
#include "probe/tls_client.hpp"
#include "probe/tls_session_cache.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;
using net::clock;
using response_parser = http::response_parser<capped_body>;

namespace {

/// A server that speaks only HTTP/2 (prior knowledge) answers an HTTP/1.1 request with its
/// connection preface: a SETTINGS frame (often followed by GOAWAY) on stream 0.
bool looks_like_http2(const beast::flat_buffer& buffer) {
  const auto* p = static_cast<const unsigned char*>(buffer.data().data());
  if (buffer.size() < 9) return false;
  const bool settings_or_goaway = p[3] == 0x04 || p[3] == 0x07;
  const bool stream_zero = (p[5] & 0x7f) == 0 && p[6] == 0 && p[7] == 0 && p[8] == 0;
  return p[0] == 0 && settings_or_goaway && stream_zero;
}

void configure(response_parser& parser, const core::check_settings& s, std::string_view method) {
  parser.eager(true);
  parser.body_limit(s.http.max_body_bytes);
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(s.http.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  if (method == "HEAD") parser.skip(true);
  parser.get().body().keep = s.keeps_body();
}

/// Writes the request and reads the final response on an established stream, plain or TLS.
/// The first read is separate so that the server's think time and the transfer can be told
/// apart. Reads are bounded by the deadline (the stream's expiry, and a check of the clock
/// between reads so that a fast endless stream cannot outrun it) and by the buffer's size.
template <class Stream>
asio::awaitable<std::optional<check::transport_failure>> exchange(
    Stream& stream, const http::request<http::string_body>& request,
    std::optional<response_parser>& parser, const core::check_settings& s, std::string_view method,
    attempt_recorder& record, const context& ctx, const failure_context& about) {
  constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;
  record.enter(core::probe_phase::write);
  auto [write_error, written] = co_await http::async_write(stream, request, net::use_nothrow);
  if (write_error) co_return classify(write_error, record.current(), 0, about);

  record.enter(core::probe_phase::first_byte);
  // Room for the largest allowed header block plus one read of body: the parser consumes the
  // body as it goes, so the buffer never grows past this whatever the server sends.
  beast::flat_buffer buffer(std::max<std::size_t>(s.http.max_header_bytes, 1024) + 65536);
  auto [read_error, first] =
      co_await stream.async_read_some(buffer.prepare(2048), net::use_nothrow);
  if (read_error) co_return classify(read_error, record.current(), 0, about);
  buffer.commit(first);
  std::size_t received = first;
  if (looks_like_http2(buffer)) {
    co_return check::transport_failure{
        core::failure::malformed_response, record.current(),
        "the server speaks only HTTP/2 (it answered an HTTP/1.1 request with an HTTP/2 frame)",
        received};
  }

  record.enter(core::probe_phase::transfer);
  for (;;) {
    while (!parser->is_done()) {
      if (clock::now() >= ctx.deadline.at) {
        co_return check::transport_failure{core::failure::timeout, record.current(), "", received};
      }
      auto [ec, n] = co_await http::async_read_some(stream, buffer, *parser, net::use_nothrow);
      received += n;
      if (!ec) continue;
      if constexpr (is_tls) {
        // Closed without close_notify: accepted where the framing says the body is complete
        // (an HTTP/1.0-style body delimited by the close), as curl, Go and Python do. A body
        // framed by Content-Length or chunks is done before the close is read.
        if (ec == asio::ssl::error::stream_truncated && parser->is_header_done() &&
            parser->need_eof()) {
          boost::system::error_code eof_error;
          parser->put_eof(eof_error);
          if (!eof_error) break;
        }
      }
      co_return classify(ec, record.current(), received, about);
    }
    // 1xx interim responses (100 Continue, 103 Early Hints) come before the final one
    // (RFC 9110 §15.2): skip them and read on from what is already buffered.
    const auto status = parser->get().result_int();
    if (status < 100 || status >= 200 || status == 101) co_return std::nullopt;
    parser.emplace();
    configure(*parser, s, method);
  }
}

}  // namespace

asio::awaitable<check::attempt_result> attempt(const core::target& t, const core::http_spec& spec,
                                               context& ctx) {
  attempt_recorder record(ctx.phase);
  const auto& s = t.settings;
  auto& seen = record.result.seen;
  request_line line = request_line_of(spec, s);
  for (;;) {
    const failure_context about{line.at.host, s.http.max_body_bytes, s.http.max_header_bytes};
    beast::tcp_stream tcp(co_await asio::this_coro::executor);
    if (const auto ec = co_await resolve_and_connect(tcp, line.at, ctx, record)) {
      co_return record.fail(classify(ec, record.current(), 0, about));
    }
    const auto request = make_request(s, line);
    std::optional<response_parser> parser(std::in_place);
    configure(*parser, s, line.method);
    std::optional<check::transport_failure> failed;
    if (line.tls) {
      const auto tls_context = context_for(ctx.tls, s.tls);
      if (!tls_context) {
        co_return record.fail(core::failure::tls_handshake, "TLS: " + tls_context.error());
      }
      // Declared before the stream: OpenSSL may call back into it until the stream is gone.
      tls_session_cache::sink sink{
          &ctx.sessions, fmt::format("{}|{}|{}|{}", line.at.host, line.at.port, s.tls.server_name,
                                     static_cast<void*>(*tls_context))};
      beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), **tls_context);
      SSL* ssl = stream.native_handle();
      prepare_verification(ssl, line.at.host, s.tls);
      tls_session_cache::attach(ssl, &sink);
      record.enter(core::probe_phase::tls);
      const bool leader = co_await ctx.sessions.prepare(ssl, sink.key, ctx.deadline.at);
      auto [handshake_error] =
          co_await stream.async_handshake(asio::ssl::stream_base::client, net::use_nothrow);
      seen.tls_resumed = SSL_session_reused(ssl) == 1;
      ctx.sessions.handshake_done(sink.key, leader, !handshake_error, seen.tls_resumed);
      seen.cert_expires_at = earliest_certificate_expiry(ssl);
      if (handshake_error && handshake_error != beast::error::timeout) {
        bool is_certificate = false;
        auto why = describe_handshake_failure(
            ssl, handshake_error, s.tls.server_name.empty() ? line.at.host : s.tls.server_name,
            is_certificate);
        co_return record.fail(
            is_certificate ? core::failure::tls_certificate : core::failure::tls_handshake,
            std::move(why));
      }
      if (handshake_error)
        co_return record.fail(classify(handshake_error, record.current(), 0, about));
      failed = co_await exchange(stream, request, parser, s, line.method, record, ctx, about);
    } else {
      failed = co_await exchange(tcp, request, parser, s, line.method, record, ctx, about);
    }
    if (failed) co_return record.fail(std::move(*failed));
    record.enter(core::probe_phase::done);

    auto& response = parser->get();
    const int status = static_cast<int>(response.result_int());
    const auto location = response[http::field::location];
    if (is_redirect(status) && !location.empty() &&
        record.result.redirects < s.http.follow_redirects) {
      auto next = follow(line, status, location);
      if (!next) {
        seen.status = status;
        seen.status_text = fmt::format("{} {}", status, std::string_view(response.reason()));
        co_return record.fail(core::failure::bad_redirect, next.error());
      }
      line = std::move(*next);
      ++record.result.redirects;
      continue;
    }
    seen.status = status;
    seen.status_text = fmt::format("{} {}", status, std::string_view(response.reason()));
    if (is_redirect(status)) seen.location = location;
    seen.body_bytes = response.body().size;
    seen.body = std::move(response.body().data);
    co_return record.finish();
  }
}

}  // namespace fleetcheck::probe
