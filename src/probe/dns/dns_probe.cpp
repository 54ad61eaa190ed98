#include "probe/dns/dns_probe.hpp"

#include <memory>
#include <vector>

#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include "net/async_event.hpp"
#include "probe/classify.hpp"
#include "probe/dns/dns_answer.hpp"
#include "probe/dns/dns_channel.hpp"
#include "probe/dns_cache.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
using net::clock;

namespace {

/// Where the channel's handler leaves the answer for the check waiting on it. The check may have
/// given up (its deadline) by then: the handler holds it weakly.
struct awaited_answer {
  bool done = false;
  boost::system::error_code error;
  std::vector<unsigned char> bytes;
  net::async_event changed;
};

std::string server_of(const asio::ip::address& address, std::uint16_t port) {
  return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), port)
                         : fmt::format("{}:{}", address.to_string(), port);
}

}  // namespace

asio::awaitable<check::attempt_result> attempt(const core::target& t, const core::dns_spec& spec,
                                               context& ctx) {
  attempt_recorder record(ctx.phase);
  const failure_context about{spec.at.host, 0, 0};
  record.result.seen.dns.emplace();  // a dns:// check's row says so even without an answer

  record.enter(core::probe_phase::resolve);  // the server's own name, when it has one
  auto [resolve_error, addresses] = co_await ctx.dns.resolve(spec.at.host, ctx.deadline.at);
  if (resolve_error) co_return record.fail(classify(resolve_error, record.current(), 0, about));
  const auto& address = addresses->front();
  if (!t.settings.conditions.empty()) record.result.seen.ip = address.to_string();

  const auto channel = ctx.dns_queries.get(server_of(address, spec.at.port));
  if (!channel) co_return record.fail(core::failure::io_error, channel.error());
  const auto type = dns_type_number(spec.type);
  if (!type) {
    co_return record.fail(core::failure::internal_error,
                          fmt::format("unknown DNS query type '{}'", spec.type));
  }

  record.enter(core::probe_phase::first_byte);
  const auto answer = std::make_shared<awaited_answer>();
  (*channel)->query(spec.name, *type,
                    [weak = std::weak_ptr(answer)](boost::system::error_code ec,
                                                   std::span<const unsigned char> bytes) {
                      const auto waiting = weak.lock();
                      if (!waiting) return;
                      waiting->done = true;
                      waiting->error = ec;
                      waiting->bytes.assign(bytes.begin(), bytes.end());
                      waiting->changed.notify_all();
                    });
  while (!answer->done && clock::now() < ctx.deadline.at) {
    co_await answer->changed.wait_until(ctx.deadline.at);
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) break;
  }
  if (!answer->done) co_return record.fail(core::failure::timeout, "");
  if (answer->error) {
    auto failure = classify(answer->error, record.current(), 0, about);
    if (answer->error == asio::error::no_recovery) {
      failure.kind = core::failure::malformed_response;
      failure.message = "the DNS server's answer could not be read";
    }
    co_return record.fail(std::move(failure));
  }
  auto reply = read_dns_answer(answer->bytes);
  if (!reply) {
    co_return record.fail(core::failure::malformed_response,
                          fmt::format("malformed DNS answer: {}", reply.error()),
                          answer->bytes.size());
  }
  record.enter(core::probe_phase::done);
  auto& seen = record.result.seen;
  seen.body = gatus_dns_body(*reply);
  if (t.settings.conditions.empty()) {
    // Gatus's conditions decide when there are any; without, an answer is what a user expects.
    if (reply->rcode != "NOERROR") {
      seen.wrong_answer = reply->rcode;
    } else if (reply->answers.empty()) {
      seen.wrong_answer = fmt::format("NOERROR without any {} record", spec.type);
    }
  }
  seen.dns = std::move(*reply);
  co_return record.finish();
}

}  // namespace fleetcheck::probe
