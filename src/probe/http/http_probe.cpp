#include "probe/http/http_probe.hpp"

#include <optional>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "probe/classify.hpp"
#include "probe/http/kept_connection.hpp"
#include "probe/http/request.hpp"
#include "probe/http/response_reader.hpp"
#include "probe/tls_client.hpp"
#include "probe/tls_handshake.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;
using net::clock;

namespace {

/// Whether `c` may carry the target's next check: an HTTP/1.1 response that keeps the connection
/// open and whose framing (not a close) ended it, with nothing read or decrypted past it.
bool reusable(const response_parser& parser, std::size_t unread, http_connection& c) {
  return parser.get().version() == 11 && parser.keep_alive() && unread == 0 &&
         (!c.secure || SSL_pending(c.secure->native_handle()) == 0);
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
    // The TLS context first: one that cannot be built (a redirect to https:// with a CA file that
    // is not PEM) is this check's error, found before any connection is made.
    core::expected<boost::asio::ssl::context*> tls_context{nullptr};
    if (line.tls) {
      tls_context = context_for(ctx.tls, s.tls);
      if (!tls_context) {
        co_return record.fail(core::failure::tls_handshake, "TLS: " + tls_context.error());
      }
    }
    // Only the connection to the target's own URL is kept, never a redirect's.
    kept_connection* kept = record.result.redirects == 0 ? ctx.kept : nullptr;
    const auto request = make_request(s, line, kept != nullptr);
    std::optional<response_parser> parser(std::in_place);
    configure(*parser, s, line.method);
    std::size_t unread = 0;
    std::optional<check::transport_failure> failed;
    const auto exchange_on = [&](http_connection& c) {
      return c.secure ? exchange<true>(*c.secure, request, parser, s, record, ctx.deadline.at,
                                       about, &unread)
                      : exchange<false>(*c.plain, request, parser, s, record, ctx.deadline.at,
                                        about, &unread);
    };
    http_connection c;
    if (kept != nullptr) {
      if (auto taken = kept->take(seen)) {
        c = std::move(*taken);
        c.tcp().expires_at(ctx.deadline.at);
        failed = co_await exchange_on(c);
        if (failed && went_stale(*failed) && clock::now() < ctx.deadline.at) {
          // Once more on a fresh connection, within the same timeout, as Go's Transport and
          // Envoy retry a request on an idle-closed connection. The stale try is no phase of
          // this check.
          c = http_connection{};
          failed.reset();
          seen.connection_reused = false;
          parser.emplace();
          configure(*parser, s, line.method);
          record.enter(core::probe_phase::resolve);
          record.result.phases = {};
        }
      }
    }
    if (!c.is_open()) {
      failed = co_await open_connection(c, line.at, *tls_context, s, ctx, record, about);
      if (!failed) failed = co_await exchange_on(c);
    }
    if (failed) co_return record.fail(std::move(*failed));
    record.enter(core::probe_phase::done);
    if (kept != nullptr && reusable(*parser, unread, c)) kept->park(std::move(c), seen);

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
