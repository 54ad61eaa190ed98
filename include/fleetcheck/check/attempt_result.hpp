#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fleetcheck/core/failure.hpp"
#include "fleetcheck/core/probe_result.hpp"

namespace fleetcheck::check {

/// What one attempt saw of the server, whatever the protocol: plain values that the judge and the
/// conditions read. A protocol fills the fields that apply to it and leaves the rest empty.
struct observation {
  std::string ip;  ///< the address connected to ("" when no connection was made)
  /// The protocol's status code when it has one (HTTP status); judged against expect_status.
  std::optional<int> status;
  std::string status_text;  ///< "503 Service Unavailable", for messages
  std::string location;     ///< an HTTP redirect's Location that was not followed
  std::string body;         ///< the body, kept only when a condition reads it
  /// Set when the answer itself is wrong for the protocol, independent of any condition
  /// (a stream check's reply that does not begin with `expect`): the sentence saying why.
  std::optional<std::string> wrong_answer;
  std::optional<std::int64_t> cert_expires_at;  ///< earliest notAfter of the chain, Unix seconds
  bool tls_resumed = false;
  bool connection_reused = false;  ///< sent on a connection kept from an earlier check
  /// gRPC checks: grpc-status and serving status ([GRPC_STATUS]); unset for other protocols.
  std::optional<core::grpc_facts> grpc;
  std::string tls_version;  ///< the negotiated version, "TLS 1.3" (TLS checks that completed)
  /// icmp:// checks: the echo reply (set from the start of the attempt; rtt once a reply came).
  std::optional<core::icmp_echo> icmp;
  std::optional<core::dns_reply> dns;  ///< a DNS answer ([DNS_RCODE]; [BODY] is its last record)
};

/// Why an attempt got no usable answer. `message` is the precise sentence ("connection refused",
/// "TLS: certificate has expired"); for timeouts it stays empty and the judge words it, because
/// only the check knows whether its own timeout or the run's deadline ran out.
struct transport_failure {
  core::failure kind = core::failure::io_error;
  core::probe_phase phase = core::probe_phase::connect;
  std::string message;
  std::size_t bytes_received = 0;
};

/// One attempt of one check: what was seen, how long each step took, and how it failed if it did.
struct attempt_result {
  observation seen;
  core::phase_timings phases;
  std::optional<transport_failure> failed;
  int redirects = 0;
  double seconds = 0;  ///< the attempt's duration ([RESPONSE_TIME])
};

}  // namespace fleetcheck::check
