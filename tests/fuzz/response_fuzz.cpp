// The response path with hostile bytes: arbitrary bytes, split at arbitrary points, go through the
// same code that reads and judges real answers (the HTTP response reader, plain and TLS rules;
// the TCP reply matcher), then the result is rendered in every format. Any crash, exception or
// sanitizer report is a bug.
#include <atomic>
#include <cstdint>
#include <ctime>
#include <sstream>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "fleetcheck/check/judge.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/report/report.hpp"
#include "probe/http/response_reader.hpp"
#include "probe/tcp/reply_matcher.hpp"
#include "scripted_stream.hpp"

namespace {

using namespace fleetcheck;
namespace asio = boost::asio;

/// Splits `data` into chunks of sizes drawn from `seed` (1..64 bytes, sometimes the rest).
std::vector<std::string_view> chunks_of(std::string_view data, std::uint8_t seed) {
  std::vector<std::string_view> out;
  std::uint32_t state = seed * 2654435761u + 1;
  while (!data.empty()) {
    state = state * 1103515245u + 12345u;
    const std::size_t n = (state >> 16) % 8 == 0 ? data.size() : 1 + (state >> 16) % 64;
    out.push_back(data.substr(0, n));
    data.remove_prefix(std::min(n, data.size()));
  }
  return out;
}

core::check_settings settings_for(std::uint8_t flags) {
  core::check_settings s;
  s.timeout = std::chrono::seconds(2);
  s.http.max_body_bytes = flags & 0x04 ? 64 : 64 * 1024;
  s.http.max_header_bytes = flags & 0x08 ? 256 : 64 * 1024;
  s.http.request.method = flags & 0x10 ? "HEAD" : "GET";
  if (flags & 0x20) {
    s.conditions.push_back(conditions::condition::parse("[BODY].status == ok"));
    s.conditions.push_back(conditions::condition::parse("len([BODY]) > 0"));
  }
  if (flags & 0x40) s.http.expect_status.add("200-399");
  s.stream.expect = "+PONG";
  return s;
}

check::attempt_result read_http(std::string_view bytes, std::uint8_t flags, std::uint8_t seed,
                                const core::check_settings& s) {
  asio::io_context io;
  std::atomic<core::probe_phase> phase{core::probe_phase::queued};
  probe::attempt_recorder record(phase);
  const bool tls = flags & 0x01;
  fuzz::scripted_stream stream(io.get_executor(), chunks_of(bytes, seed), tls && (flags & 0x02));
  const auto t = *config::target_from_url("http://fuzz.test/health", s);
  const auto request =
      probe::make_request(s, probe::request_line_of(std::get<core::http_spec>(t.spec), s));
  std::optional<probe::response_parser> parser(std::in_place);
  probe::configure(*parser, s, s.http.request.method);
  const probe::failure_context about{"fuzz.test", s.http.max_body_bytes, s.http.max_header_bytes};
  std::optional<check::transport_failure> failed;
  const auto deadline = net::clock::now() + std::chrono::seconds(10);
  auto run = [&]() -> asio::awaitable<void> {
    if (tls) {
      failed = co_await probe::exchange<true>(stream, request, parser, s, record, deadline, about);
    } else {
      failed = co_await probe::exchange<false>(stream, request, parser, s, record, deadline, about);
    }
  };
  asio::co_spawn(io, run(), asio::detached);
  io.run();
  if (failed) return record.fail(std::move(*failed));
  auto& response = parser->get();
  probe::observe_status(response, record.result.seen);
  record.result.seen.location = response[boost::beast::http::field::location];
  record.result.seen.body = std::move(response.body().data);
  return record.finish();
}

check::attempt_result read_tcp(std::string_view bytes, std::uint8_t seed,
                               const core::check_settings& s) {
  check::attempt_result a;
  probe::reply_matcher reply(s.stream.expect, 64);
  auto seen = probe::reply_matcher::state::waiting;
  for (const auto chunk : chunks_of(bytes, seed)) {
    seen = reply.feed(chunk);
    if (seen != probe::reply_matcher::state::waiting) break;
  }
  if (seen != probe::reply_matcher::state::matched) {
    a.seen.wrong_answer = "expected '" + probe::excerpt(s.stream.expect) + "', got '" +
                          probe::excerpt(reply.data()) + "'";
  }
  return a;
}

void render_everything(const core::target& t, const core::probe_result& r) {
  const std::vector<core::target> targets{t};
  const std::vector<core::probe_result> results{r};
  const report::fleet_view view{targets, results, {}};
  std::ostringstream sink;
  report::render_table(sink, view, {true});
  report::render_json(sink, view);
  report::render_ndjson(sink, view);
  report::render_prometheus(sink, view);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto flags = data[0];
  const auto seed = data[1];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  const auto s = settings_for(flags);
  const bool tcp = flags & 0x80;
  auto attempt = tcp ? read_tcp(bytes, seed, s) : read_http(bytes, flags, seed, s);

  const auto v = check::judge(s, attempt, core::deadline_reason::timeout, std::time(nullptr));
  core::probe_result r;
  r.outcome = v.outcome;
  r.failure = v.failure;
  r.error = v.message;
  r.failed_conditions = v.failed_conditions;
  r.http_status = attempt.seen.status.value_or(0);
  r.attempts = 1;
  // Names and URLs may carry a server's bytes too (a Location quoted in a message).
  auto t = *config::target_from_url(tcp ? "tcp://fuzz.test:1" : "http://fuzz.test/health", s);
  t.name = std::string(bytes.substr(0, 40));
  render_everything(t, r);
  return 0;
}
