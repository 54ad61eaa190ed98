#include "probe/tcp/tcp_probe.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "probe/classify.hpp"
#include "probe/connect.hpp"
#include "probe/tcp/stream_exchange.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;

asio::awaitable<check::attempt_result> attempt(const core::target& t, const core::tcp_spec& spec,
                                               context& ctx) {
  attempt_recorder record(ctx.phase);
  const failure_context about{spec.at.host, 0, 0};

  beast::tcp_stream stream(co_await asio::this_coro::executor);
  if (const auto ec = co_await resolve_and_connect(stream, spec.at, ctx, record,
                                                   !t.settings.conditions.empty())) {
    co_return record.fail(classify(ec, record.current(), 0, about));
  }
  if (auto failed = co_await exchange_stream(stream, t.settings, record, ctx.deadline.at, about)) {
    co_return record.fail(std::move(*failed));
  }
  record.enter(core::probe_phase::done);
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return record.finish();
}

}  // namespace fleetcheck::probe
