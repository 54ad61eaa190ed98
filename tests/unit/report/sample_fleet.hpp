#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/report/report.hpp"

namespace fleetcheck::testkit {

/// Targets, results and a summary that a renderer test owns: fleet_view only borrows them.
struct sample_fleet {
  std::vector<core::target> targets;
  std::vector<core::probe_result> results;
  core::run_summary summary;

  report::fleet_view view() const { return {targets, results, summary}; }

  core::probe_result& add(std::string name, std::string url, core::outcome o, int status,
                          double seconds, std::string error = {}) {
    auto t = *config::target_from_url(url, {});
    t.name = std::move(name);
    targets.push_back(std::move(t));
    core::probe_result r;
    r.outcome = o;
    r.failure = core::failure::none;
    r.failed_phase = core::probe_phase::done;
    r.http_status = status;
    r.duration_seconds = seconds;
    r.error = std::move(error);
    r.attempts = 1;
    results.push_back(std::move(r));
    return results.back();
  }
};

/// A fleet whose results, between them, fill every optional field of every format: a group,
/// redirects, a certificate, TLS resumption, a reused connection, retries, failed conditions, a
/// failed phase, each outcome, and one check that never started.
inline sample_fleet every_field() {
  sample_fleet s;
  // 2025-03-14T09:26:53.589Z: a fixed start, so that outputs can be compared.
  s.summary.started_at =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1741944413589));
  s.summary.elapsed_seconds = 1.0021;
  auto& api = s.add("api", "https://127.0.0.1:9443/health", core::outcome::healthy, 200, 0.2051);
  api.redirects = 1;
  api.cert_expires_at = 1798000000;
  api.tls_resumed = true;
  api.phases = {0.0000021, 0.000112, 0.0031, 0.2011, 0.0000148};
  s.targets.back().group = "edge";
  auto& flaky = s.add("flaky", "http://127.0.0.1:9001/health", core::outcome::healthy, 200, 0.207);
  flaky.attempts = 3;
  flaky.connection_reused = true;  // serve's reuse_connection: no resolve or connect phase
  auto& db = s.add("db", "http://127.0.0.1:9002/health", core::outcome::unhealthy, 503, 0.206,
                   "HTTP 503 Service Unavailable, expected 2xx");
  db.failure = core::failure::condition_failed;
  db.failed_conditions = {"[STATUS] (503) == 200", "[BODY].status (down) == ok"};
  s.targets.back().group = "storage";
  auto& cache =
      s.add("cache", "tcp://127.0.0.1:6379", core::outcome::error, 0, 0.0004, "connection refused");
  cache.failure = core::failure::connection_refused;
  cache.failed_phase = core::probe_phase::connect;
  auto& slow = s.add("slow", "http://127.0.0.1:9003/health", core::outcome::timeout, 0, 1.0,
                     "timed out after 1s while waiting for response");
  slow.failure = core::failure::timeout;
  slow.failed_phase = core::probe_phase::first_byte;
  slow.attempts = 2;
  auto& late = s.add("late", "http://127.0.0.1:9004/health", core::outcome::deadline, 0, 0,
                     "the deadline passed before the check could start");
  late.failure = core::failure::not_started;
  late.failed_phase = core::probe_phase::queued;
  late.attempts = 0;
  return s;
}

/// gRPC checks: each serving status and grpc-status shape the reports show (SERVING over TLS,
/// NOT_SERVING, a non-OK grpc-status without a serving status, a timeout without either, a
/// serving status the enum does not name).
inline sample_fleet grpc_fleet() {
  sample_fleet s;
  s.summary.started_at =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1741944413589));
  s.summary.elapsed_seconds = 0.5;
  auto& ok = s.add("orders", "grpcs://127.0.0.1:9443/orders", core::outcome::healthy, 0, 0.012);
  ok.cert_expires_at = 1798000000;
  ok.grpc = core::grpc_facts{true, 0, "SERVING"};
  auto& down = s.add("search", "grpc://127.0.0.1:9000/search", core::outcome::unhealthy, 0, 0.004,
                     "serving status NOT_SERVING");
  down.failure = core::failure::unexpected_reply;
  down.grpc = core::grpc_facts{false, 0, "NOT_SERVING"};
  auto& none = s.add("legacy", "grpc://127.0.0.1:9001", core::outcome::error, 0, 0.003,
                     "gRPC status 12 UNIMPLEMENTED: unknown service grpc.health.v1.Health");
  none.failure = core::failure::grpc_error;
  none.failed_phase = core::probe_phase::transfer;
  none.grpc = core::grpc_facts{false, 12, ""};
  auto& hung = s.add("hung", "grpc://127.0.0.1:9002", core::outcome::timeout, 0, 0.5,
                     "timed out after 500ms while waiting for response");
  hung.failure = core::failure::timeout;
  hung.failed_phase = core::probe_phase::first_byte;
  hung.grpc = core::grpc_facts{false, std::nullopt, ""};
  auto& odd = s.add("odd", "grpc://127.0.0.1:9003", core::outcome::unhealthy, 0, 0.002,
                    "serving status 9 (not one grpc.health.v1 defines)");
  odd.failure = core::failure::unexpected_reply;
  odd.grpc = core::grpc_facts{false, 0, "9"};
  return s;
}

/// icmp:// and tls:// results: a ping answered (with its hop limit), one lost, one answered
/// without a hop limit, and a TLS handshake with its version.
inline sample_fleet icmp_and_tls() {
  sample_fleet s;
  s.summary.started_at =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1741944413589));
  s.summary.elapsed_seconds = 1.0021;
  auto& ping = s.add("ping", "icmp://127.0.0.1", core::outcome::healthy, 0, 0.0002);
  ping.icmp = core::icmp_echo{0.000065, 64};
  ping.phases = {0.000001, 0.00008, 0, 0.000065, 0};
  auto& lost = s.add("lost", "icmp://10.0.0.1", core::outcome::timeout, 0, 1.0,
                     "timed out after 1s while waiting for response");
  lost.failure = core::failure::timeout;
  lost.failed_phase = core::probe_phase::first_byte;
  lost.icmp = core::icmp_echo{};
  auto& v6 = s.add("ping6", "icmp://[::1]", core::outcome::healthy, 0, 0.0123);
  v6.icmp = core::icmp_echo{0.0121, std::nullopt};
  auto& ldaps = s.add("ldaps", "tls://127.0.0.1:636", core::outcome::healthy, 0, 0.003);
  ldaps.cert_expires_at = 1798000000;
  ldaps.tls_version = "TLS 1.3";
  return s;
}

/// every_field() with bytes a hostile server or fleet file could send in every text field:
/// invalid UTF-8, C0 controls (which XML 1.0 forbids), markup characters, U+FFFE, a surrogate.
inline sample_fleet hostile_fleet() {
  auto s = every_field();
  s.targets[0].name = "api <&> \"quoted\" 'single'\x01\x0b\x1f";
  s.targets[0].group = "edge\xff]]>";
  s.targets[2].name = "db\n\t\r\x7f";
  s.results[2].error = "HTTP 503 \xffUnavailable\x01\x02 </failure><x>&amp;";
  s.results[2].failed_conditions = {"[BODY].status (\xc3\x28) == ok", "\xef\xbf\xbe\xef\xbf\xbf"};
  using namespace std::string_literals;  // the literal holds a NUL
  s.results[3].error = "reset \xed\xa0\x80 \xf4\x90\x80\x80 \0 end"s;
  s.targets[4].url = "http://127.0.0.1:9003/h?q=\x08\"<>'&";
  return s;
}

}  // namespace fleetcheck::testkit
