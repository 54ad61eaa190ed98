#include "probe/grpc/grpc_probe.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

#include "probe/classify.hpp"
#include "probe/grpc/health_call.hpp"
#include "probe/http/kept_connection.hpp"
#include "probe/tls_client.hpp"
#include "probe/tls_handshake.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
namespace beast = boost::beast;
using net::clock;

namespace {

/// How close to the deadline a server's giving up counts as the check's timeout.
constexpr auto deadline_slack = std::chrono::milliseconds(50);

std::string authority_of(const core::endpoint& at) {
  const bool ipv6 = at.host.find(':') != std::string::npos;
  return ipv6 ? fmt::format("[{}]:{}", at.host, at.port) : fmt::format("{}:{}", at.host, at.port);
}

/// Runs the call on an established stream until it ends, the server stops, or the deadline.
/// Every read and write is bounded by the deadline (the lowest layer's expiry), and the clock is
/// looked at between reads so that a server streaming frames (PINGs, SETTINGS) cannot outrun it.
template <class Stream>
asio::awaitable<std::optional<check::transport_failure>> run_call(Stream& stream,
                                                                  grpc::health_call& call,
                                                                  attempt_recorder& record,
                                                                  clock::time_point deadline,
                                                                  const failure_context& about) {
  auto& lowest = beast::get_lowest_layer(stream);
  std::size_t received = 0;
  // A health answer is a few hundred bytes: a small buffer keeps 100k checks in flight cheap.
  char chunk[4096];
  record.enter(core::probe_phase::write);
  for (;;) {
    const auto out = call.take_output();
    if (!out.empty()) {
      lowest.expires_at(deadline);
      auto [ec, n] = co_await asio::async_write(stream, asio::buffer(out), net::use_nothrow);
      // A server that failed the call may close as we acknowledge it: what it said comes first.
      if (ec && call.finished()) co_return std::nullopt;
      if (ec) co_return classify(ec, record.current(), received, about);
      if (record.current() == core::probe_phase::write) record.enter(core::probe_phase::first_byte);
    }
    if (call.finished()) co_return std::nullopt;
    if (clock::now() >= deadline) {
      co_return check::transport_failure{core::failure::timeout, record.current(), "", received};
    }
    lowest.expires_at(deadline);
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), net::use_nothrow);
    received += n;
    call.feed(std::string_view(chunk, n));
    if (call.answered() && record.current() == core::probe_phase::first_byte) {
      record.enter(core::probe_phase::transfer);
    }
    if (call.finished()) co_return std::nullopt;
    if (ec) {
      // Closed after GOAWAY or after bytes that are not HTTP/2: say that, not "closed".
      const auto& r = call.response();
      if (r.goaway_code || r.first_bytes.starts_with("HTTP/")) co_return std::nullopt;
      co_return classify(ec, record.current(), received, about);
    }
  }
}

}  // namespace

asio::awaitable<check::attempt_result> attempt(const core::target& t, const core::grpc_spec& spec,
                                               context& ctx) {
  attempt_recorder record(ctx.phase);
  const auto& s = t.settings;
  auto& seen = record.result.seen;
  seen.grpc.emplace();
  seen.grpc->tls = spec.tls;
  const failure_context about{spec.at.host, s.http.max_body_bytes, s.http.max_header_bytes};

  core::expected<boost::asio::ssl::context*> tls_context{nullptr};
  if (spec.tls) {
    tls_context = context_for(ctx.tls, s.tls);
    if (!tls_context) {
      co_return record.fail(core::failure::tls_handshake, "TLS: " + tls_context.error());
    }
  }
  grpc::call_request request;
  request.authority = authority_of(spec.at);
  request.tls = spec.tls;
  request.service = spec.service;
  request.metadata = s.http.request.headers;
  request.max_header_bytes = s.http.max_header_bytes;
  request.max_message_bytes = s.http.max_body_bytes;

  // grpc-timeout: what is left when the call starts, so that the server gives up when we do.
  const auto starting_now = [&] {
    request.timeout =
        std::chrono::duration_cast<std::chrono::milliseconds>(ctx.deadline.at - clock::now());
    return request;
  };
  const auto call_on = [&](http_connection& c) {
    return c.secure ? run_call(*c.secure, *c.h2, record, ctx.deadline.at, about)
                    : run_call(*c.plain, *c.h2, record, ctx.deadline.at, about);
  };
  http_connection c;
  std::optional<check::transport_failure> failed;
  if (ctx.kept != nullptr) {
    // serve's reuse_connection: the next call is a new stream on the kept session.
    if (auto taken = ctx.kept->take(seen); taken && taken->h2 && taken->h2->can_call_again()) {
      c = std::move(*taken);
      c.tcp().expires_at(ctx.deadline.at);
      c.h2->call_again(starting_now());
      failed = co_await call_on(c);
      // A session the server closed while idle, or a GOAWAY that left our stream out (RFC 9113
      // §8.7: not processed, safe to retry): once more on a fresh connection, as for http://.
      const bool again = (failed && went_stale(*failed)) || c.h2->response().refused;
      if (again && clock::now() < ctx.deadline.at) {
        c = http_connection{};
        failed.reset();
        seen.connection_reused = false;
        record.enter(core::probe_phase::resolve);
        record.result.phases = {};
      }
    } else {
      seen.connection_reused = false;
    }
  }
  if (!c.is_open()) {
    // As https:// does, plus ALPN: gRPC needs h2, and a server that does not choose it would
    // read our frames as HTTP/1.1.
    failed = co_await open_connection(
        c, spec.at, *tls_context, s, ctx, record, about,
        spec.tls ? std::optional(alpn_requirement{"h2", "not a gRPC server"}) : std::nullopt);
    if (!failed) {
      c.h2 = std::make_unique<grpc::health_call>(starting_now());
      failed = co_await call_on(c);
    }
  }
  if (failed) co_return record.fail(std::move(*failed));
  auto verdict = grpc::judge_call(c.h2->response(), s.http.max_body_bytes);
  verdict.facts.tls = spec.tls;
  seen.grpc = std::move(verdict.facts);
  // Whatever the service said, a session that ended the call cleanly carries the next one.
  if (ctx.kept != nullptr && c.h2->can_call_again()) ctx.kept->park(std::move(c), seen);
  if (verdict.failed) {
    verdict.failed->phase = record.current();
    // A server that honours grpc-timeout gives up when we do (DEADLINE_EXCEEDED, RST_STREAM),
    // or a little before (its clock rounds): whichever is read first, the check ran out of time.
    if (clock::now() + deadline_slack >= ctx.deadline.at) {
      verdict.failed->kind = core::failure::timeout;
      verdict.failed->message.clear();  // the judge words timeouts
      // Its giving up is no answer: the check was waiting for one.
      verdict.failed->phase = core::probe_phase::first_byte;
    }
    co_return record.fail(std::move(*verdict.failed));
  }
  record.enter(core::probe_phase::done);
  if (spec.serving_decides) seen.wrong_answer = std::move(verdict.wrong_answer);
  // [BODY] is the answer as Gatus shows it, {"status":"SERVING"} (client/grpc.go and
  // config/endpoint/endpoint.go in TwiN/gatus).
  if (s.keeps_body()) seen.body = fmt::format(R"({{"status":"{}"}})", seen.grpc->serving_status);
  co_return record.finish();
}

}  // namespace fleetcheck::probe
