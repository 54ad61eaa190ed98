#include "probe/tls/tls_probe.hpp"

#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "probe/classify.hpp"
#include "probe/connect.hpp"
#include "probe/tcp/stream_exchange.hpp"
#include "probe/tls_client.hpp"
#include "probe/tls_handshake.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;

asio::awaitable<check::attempt_result> attempt(const core::target& t, const core::tls_spec& spec,
                                               context& ctx) {
  attempt_recorder record(ctx.phase);
  const auto& s = t.settings;
  const failure_context about{spec.at.host, 0, 0};
  const auto tls_context = context_for(ctx.tls, s.tls);
  if (!tls_context) {
    co_return record.fail(core::failure::tls_handshake, "TLS: " + tls_context.error());
  }
  beast::tcp_stream tcp(co_await asio::this_coro::executor);
  if (const auto ec =
          co_await resolve_and_connect(tcp, spec.at, ctx, record, !s.conditions.empty())) {
    co_return record.fail(classify(ec, record.current(), 0, about));
  }
  // Declared before the stream: OpenSSL may call back into it until the stream is gone.
  auto sink = session_sink(ctx, spec.at, s.tls, *tls_context);
  tls_stream stream(std::move(tcp), **tls_context);
  if (auto failed = co_await tls_handshake(stream, sink, spec.at, s.tls, ctx, record, about)) {
    co_return record.fail(std::move(*failed));
  }
  if (auto failed = co_await exchange_stream(stream, s, record, ctx.deadline.at, about)) {
    co_return record.fail(std::move(*failed));
  }
  record.enter(core::probe_phase::done);
  // No close_notify exchange: it would cost a round trip the check does not need, and a server
  // that never answers it must not hold the check. The TCP close tells the server enough.
  boost::system::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return record.finish();
}

}  // namespace fleetcheck::probe
