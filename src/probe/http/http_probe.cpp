#include "probe/http/http_probe.hpp"

#include <optional>

#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

#include "probe/classify.hpp"
#include "probe/connect.hpp"
#include "probe/http/request.hpp"
#include "probe/http/response_reader.hpp"
#include "probe/tls_client.hpp"
#include "probe/tls_handshake.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;
using net::clock;

asio::awaitable<check::attempt_result> attempt(const core::target& t, const core::http_spec& spec,
                                               context& ctx) {
  attempt_recorder record(ctx.phase);
  const auto& s = t.settings;
  auto& seen = record.result.seen;
  request_line line = request_line_of(spec, s);
  for (;;) {
    const failure_context about{line.at.host, s.http.max_body_bytes, s.http.max_header_bytes};
    // The TLS context first: one that cannot be built (a redirect to https:// with a CA file that
    // is not PEM) is this check's error, found before any connection is made.
    core::expected<boost::asio::ssl::context*> tls_context{nullptr};
    if (line.tls) {
      tls_context = context_for(ctx.tls, s.tls);
      if (!tls_context) {
        co_return record.fail(core::failure::tls_handshake, "TLS: " + tls_context.error());
      }
    }
    beast::tcp_stream tcp(co_await asio::this_coro::executor);
    if (const auto ec =
            co_await resolve_and_connect(tcp, line.at, ctx, record, !s.conditions.empty())) {
      co_return record.fail(classify(ec, record.current(), 0, about));
    }
    const auto request = make_request(s, line);
    std::optional<response_parser> parser(std::in_place);
    configure(*parser, s, line.method);
    std::optional<check::transport_failure> failed;
    if (line.tls) {
      // Declared before the stream: OpenSSL may call back into it until the stream is gone.
      auto sink = session_sink(ctx, line.at, s.tls, *tls_context);
      tls_stream stream(std::move(tcp), **tls_context);
      if (auto handshake_failed =
              co_await tls_handshake(stream, sink, line.at, s.tls, ctx, record, about)) {
        co_return record.fail(std::move(*handshake_failed));
      }
      failed = co_await exchange<true>(stream, request, parser, s, record, ctx.deadline.at, about);
    } else {
      failed = co_await exchange<false>(tcp, request, parser, s, record, ctx.deadline.at, about);
    }
    if (failed) co_return record.fail(std::move(*failed));
    record.enter(core::probe_phase::done);

    auto& response = parser->get();
    observe_status(response, seen);
    const int status = *seen.status;
    const auto location = response[http::field::location];
    if (is_redirect(status) && !location.empty() &&
        record.result.redirects < s.http.follow_redirects) {
      auto next = follow(line, status, location);
      if (!next) co_return record.fail(core::failure::bad_redirect, next.error());
      line = std::move(*next);
      ++record.result.redirects;
      continue;
    }
    if (is_redirect(status)) seen.location = location;
    seen.body = std::move(response.body().data);
    co_return record.finish();
  }
}

}  // namespace fleetcheck::probe
