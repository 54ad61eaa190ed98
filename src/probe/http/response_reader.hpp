#pragma once
// Internal: reading one HTTP response on an established stream, plain or TLS. A header of
// templates so that the probe and the response-path fuzzer run exactly the same code.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/check_settings.hpp"
#include "net/asio_aliases.hpp"
#include "probe/classify.hpp"
#include "probe/context.hpp"
#include "probe/http/capped_body.hpp"
#include "probe/http/request.hpp"

namespace fleetcheck::probe {

using response_parser = http::response_parser<capped_body>;

/// A server that speaks only HTTP/2 (prior knowledge) answers an HTTP/1.1 request with its
/// connection preface: a SETTINGS frame (often followed by GOAWAY) on stream 0.
inline bool looks_like_http2(const boost::beast::flat_buffer& buffer) {
  const auto* p = static_cast<const unsigned char*>(buffer.data().data());
  if (buffer.size() < 9) return false;
  const bool settings_or_goaway = p[3] == 0x04 || p[3] == 0x07;
  const bool stream_zero = (p[5] & 0x7f) == 0 && p[6] == 0 && p[7] == 0 && p[8] == 0;
  return p[0] == 0 && settings_or_goaway && stream_zero;
}

/// What a complete response tells the judge about itself: the status and its status line.
inline void observe_status(const response_parser::value_type& response, check::observation& seen) {
  seen.status = static_cast<int>(response.result_int());
  seen.status_text =
      fmt::format("{} {}", response.result_int(), std::string_view(response.reason()));
}

inline void configure(response_parser& parser, const core::check_settings& s,
                      std::string_view method) {
  parser.eager(true);
  parser.body_limit(s.http.max_body_bytes);
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(s.http.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  if (method == "HEAD") parser.skip(true);
  parser.get().body().keep = s.keeps_body();
}

/// Writes the request and reads the final response on an established stream; `is_tls` says
/// whether a close without close_notify may end a close-delimited body. `unread`, when given,
/// receives the count of bytes read past the final response (a connection with any is not kept).
/// The first read is separate so that the server's think time and the transfer can be told
/// apart. Reads are bounded by the deadline (the stream's expiry, and a check of the clock
/// between reads so that a fast endless stream cannot outrun it) and by the buffer's size.
template <bool is_tls, class Stream>
net::asio::awaitable<std::optional<check::transport_failure>> exchange(
    Stream& stream, const http::request<http::string_body>& request,
    std::optional<response_parser>& parser, const core::check_settings& s, attempt_recorder& record,
    net::clock::time_point deadline, const failure_context& about, std::size_t* unread = nullptr) {
  namespace asio = net::asio;
  namespace beast = boost::beast;
  const std::string_view method = request.method_string();
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
      auto [ec, n] = co_await http::async_read_some(stream, buffer, *parser, net::use_nothrow);
      received += n;
      if (!ec) {
        // Each read is bounded by the stream's expiry, but a server that streams fast enough
        // always has bytes ready: look at the clock between reads too.
        if (!parser->is_done() && net::clock::now() >= deadline) {
          co_return check::transport_failure{core::failure::timeout, record.current(), "",
                                             received};
        }
        continue;
      }
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
    if (status < 100 || status >= 200 || status == 101) {
      if (unread != nullptr) *unread = buffer.size();
      co_return std::nullopt;
    }
    parser.emplace();
    configure(*parser, s, method);
  }
}

}  // namespace fleetcheck::probe
