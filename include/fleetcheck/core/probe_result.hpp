#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/core/failure.hpp"

namespace fleetcheck::core {

/// How one check ended. Every target gets exactly one.
enum class outcome : std::uint8_t {
  healthy,    ///< answered, and the answer is what the target expects
  unhealthy,  ///< answered, but not as expected (status, conditions)
  error,      ///< could not get an answer: refused, reset, bad protocol, body too large...
  timeout,    ///< the check's own timeout ran out
  deadline,   ///< the run's global deadline ran out before the check finished (or started)
};

std::string_view to_string(outcome o);

/// The step a check is in; kept up to date while it runs so that a check cut short can say where.
enum class probe_phase : std::uint8_t {
  queued,
  resolve,
  connect,
  tls,
  write,
  first_byte,
  transfer,
  done,
};

/// For sentences: "resolving", "connecting", "waiting for response"...
std::string_view to_string(probe_phase p);
/// The stable name, for JSON: "resolve", "connect", "first_byte"...
std::string_view phase_name(probe_phase p);

/// Time spent in each step, in seconds; a step that did not happen stays 0.
struct phase_timings {
  double resolve = 0;
  double connect = 0;
  double tls = 0;
  double first_byte = 0;  ///< request written -> first response byte (server processing)
  double transfer = 0;    ///< first response byte -> response complete
};

/// What a gRPC health check saw, beyond what every check has (blackbox_exporter's probe_grpc_*).
struct grpc_facts {
  bool tls = false;  ///< grpcs://
  /// The call's grpc-status (0 = OK, 12 = UNIMPLEMENTED, ...) when the server sent one.
  std::optional<int> status_code;
  /// HealthCheckResponse.status by name ("SERVING", "NOT_SERVING", "SERVICE_UNKNOWN",
  /// "UNKNOWN"); empty when no response message was read.
  std::string serving_status;
};

/// What an icmp:// check saw of its echo reply.
struct icmp_echo {
  std::optional<double> rtt_seconds;  ///< request sent -> reply received; unset without a reply
  std::optional<int> hop_limit;       ///< the reply's TTL (IPv4) or hop limit (IPv6), if known
};

/// What a DNS server answered (dns:// checks).
struct dns_reply {
  std::string rcode;   ///< "NOERROR", "NXDOMAIN", "SERVFAIL", ... ("RCODE12" when it has no name)
  int answer_rrs = 0;  ///< the header's counts of the three sections
  int authority_rrs = 0;
  int additional_rrs = 0;
  /// The answer section's records, each as Gatus renders it: "10.0.0.1", "mail.example.com."
  /// (MX, CNAME, NS, PTR), "target.example.com.:443" (SRV); TXT as its text, SOA as
  /// "mname. rname. serial refresh retry expire minimum"; at most 64 of them.
  std::vector<std::string> answers;
};

/// The result of one check, a plain value.
struct probe_result {
  core::outcome outcome = core::outcome::deadline;
  core::failure failure = core::failure::not_started;
  /// The step the check failed in (`done` when it got an answer).
  probe_phase failed_phase = probe_phase::queued;
  int http_status = 0;  ///< 0 when no HTTP response was read
  double duration_seconds = 0;
  phase_timings phases;
  std::string error;  ///< empty when healthy; else why, precisely, in one line
  int attempts = 0;
  int redirects = 0;  ///< 3xx answers followed
  /// Earliest notAfter in the served certificate chain, as Unix seconds (TLS checks only).
  std::optional<std::int64_t> cert_expires_at;
  bool tls_resumed = false;  ///< the TLS session was resumed (no full handshake)
  /// The request went over a connection kept from an earlier round (serve's reuse_connection):
  /// no resolve, connect or TLS phase happened.
  bool connection_reused = false;
  std::optional<grpc_facts> grpc;  ///< gRPC checks that started; unset for other protocols
  std::string tls_version;         ///< the negotiated TLS version, "TLS 1.3" (TLS checks)
  std::optional<icmp_echo> icmp;   ///< icmp:// checks only
  std::optional<dns_reply> dns;    ///< what the server answered (dns:// checks)
  /// Each failed condition with its actual value, e.g. "[STATUS] (503) == 200".
  std::vector<std::string> failed_conditions;
};

}  // namespace fleetcheck::core
