// The gRPC response path with hostile bytes: arbitrary bytes, split at arbitrary points, fed to
// the HTTP/2 client session of a health call as the server's side of the connection, then judged
// (judge_call, the judge) and rendered in every format, for up to three calls on one session
// (reuse_connection); the same bytes also go straight to the
// HealthCheckResponse decoder. Any crash, exception or sanitizer report is a bug. Bounded: the
// session sees each input once, in at most one chunk per byte.
#include <cstdint>
#include <ctime>
#include <sstream>
#include <string_view>
#include <vector>

#include "fleetcheck/check/judge.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/report/report.hpp"
#include "probe/grpc/health_call.hpp"
#include "probe/grpc/health_message.hpp"

namespace {

using namespace fleetcheck;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto flags = data[0];
  std::uint32_t state = data[1] * 2654435761u + 1;
  std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  (void)probe::grpc::decode_health_response(bytes, flags & 0x01 ? 8 : 64 * 1024);

  probe::grpc::call_request request;
  request.authority = "fuzz.test:50051";
  request.service = "svc";
  request.max_header_bytes = flags & 0x02 ? 256 : 64 * 1024;
  request.max_message_bytes = flags & 0x01 ? 8 : 64 * 1024;
  probe::grpc::health_call call(request);
  (void)call.take_output();
  // Up to three calls on the session, as serve's reuse_connection makes them: the bytes left
  // after a call that ended cleanly are the server's side of the next one.
  for (int calls = 1;; ++calls) {
    while (!bytes.empty() && !call.finished()) {
      state = state * 1103515245u + 12345u;
      const std::size_t n = (state >> 16) % 8 == 0 ? bytes.size() : 1 + (state >> 16) % 64;
      call.feed(bytes.substr(0, n));
      bytes.remove_prefix(std::min(n, bytes.size()));
      (void)call.take_output();  // acknowledgements, as the probe would write them
    }
    if (calls == 3 || bytes.empty() || !call.can_call_again()) break;
    (void)probe::grpc::judge_call(call.response(), request.max_message_bytes);
    call.call_again(request);
    (void)call.take_output();
  }
  auto verdict = probe::grpc::judge_call(call.response(), request.max_message_bytes);

  core::check_settings s;
  if (flags & 0x04)
    s.conditions.push_back(conditions::condition::parse("[GRPC_STATUS] == SERVING"));
  check::attempt_result attempt;
  attempt.seen.grpc = verdict.facts;
  attempt.seen.wrong_answer = verdict.wrong_answer;
  attempt.failed = verdict.failed;
  const auto v = check::judge(s, attempt, core::deadline_reason::timeout, std::time(nullptr));
  core::probe_result r;
  r.outcome = v.outcome;
  r.failure = v.failure;
  r.error = v.message;
  r.failed_conditions = v.failed_conditions;
  r.grpc = attempt.seen.grpc;
  r.attempts = 1;
  const std::vector<core::target> targets{*config::target_from_url("grpc://fuzz.test:1/svc", s)};
  const std::vector<core::probe_result> results{r};
  const report::fleet_view view{targets, results, {}};
  std::ostringstream sink;
  report::render_table(sink, view, {true});
  report::render_json(sink, view);
  report::render_ndjson(sink, view);
  report::render_prometheus(sink, view);
  return 0;
}
