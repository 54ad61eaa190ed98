#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>

namespace fleetcheck::core {

/// Why a check was not healthy, as a machine-readable kind (JSON `failure`, Prometheus label).
/// The human sentence is the result's `error`; this says which family it belongs to, in the
/// manner of Beast's `http::error`: one value per way things go wrong, each documented.
enum class failure : std::uint8_t {
  none = 0,  ///< healthy

  // Answered, but not as expected: outcome `unhealthy`.
  unexpected_status,  ///< the status is not in expect_status
  condition_failed,   ///< one or more conditions failed (see failed_conditions)
  unexpected_reply,   ///< a stream check's reply does not begin with `expect`

  // No usable answer: outcome `error`.
  resolve_failed,        ///< the host name could not be resolved
  connection_refused,    ///< nothing listens on the port (RST to SYN)
  unreachable,           ///< no route to the host or network
  connection_reset,      ///< the server reset the connection
  connection_closed,     ///< the server closed the connection before a complete answer
  tls_certificate,       ///< the certificate did not verify (expired, unknown issuer, name, ...)
  tls_handshake,         ///< the TLS handshake failed for another reason
  malformed_response,    ///< the bytes are not the protocol (bad HTTP, HTTP/2 only, ...)
  body_too_large,        ///< the body exceeds max_body
  headers_too_large,     ///< the status line and headers exceed max_header
  bad_redirect,          ///< a redirect that cannot be followed (bad or unsupported Location)
  io_error,              ///< any other error of the operating system
  internal_error,        ///< a bug in fleetcheck caught inside the check; the run went on
  unsupported_protocol,  ///< a check fleetcheck cannot make yet (ssh://, udp://, ...): no I/O
  grpc_error,            ///< a gRPC call ended with a grpc-status other than OK (UNIMPLEMENTED...)

  // Out of time.
  timeout,      ///< the check's own timeout ran out (outcome `timeout`)
  deadline,     ///< the run's global deadline ran out first (outcome `deadline`)
  interrupted,  ///< the run was interrupted (outcome `deadline`)
  not_started,  ///< the run ended before the check could start (outcome `deadline`)
};

/// The stable name of a failure kind: "connection_refused", "timeout", ...
std::string_view to_string(failure f);

/// The error category of `failure`, so that failures travel as std::error_code where that helps.
const std::error_category& failure_category() noexcept;
inline std::error_code make_error_code(failure f) noexcept {
  return {static_cast<int>(f), failure_category()};
}

}  // namespace fleetcheck::core

template <>
struct std::is_error_code_enum<fleetcheck::core::failure> : std::true_type {};
