#pragma once
// Internal: the two messages of grpc.health.v1.Health/Check, encoded and decoded by hand (the
// protobuf library for two one-field messages would cost more than it saves), and the gRPC
// framing around them. Pure functions over bytes: no I/O.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fleetcheck/core/expected.hpp"

namespace fleetcheck::probe::grpc {

/// HealthCheckRequest{string service = 1} in a gRPC length-prefixed message (flag 0, big-endian
/// length): the request body of /grpc.health.v1.Health/Check.
std::string encode_health_request(std::string_view service);

/// HealthCheckResponse.status as sent: 0 UNKNOWN, 1 SERVING, 2 NOT_SERVING, 3 SERVICE_UNKNOWN, or
/// any other number (proto3 enums are open).
struct health_response {
  std::uint64_t status = 0;  ///< proto3 default: a message without the field says UNKNOWN
};

/// Decodes a response body: exactly one uncompressed length-prefixed message of at most
/// `max_message` bytes holding a HealthCheckResponse. Any byte sequence is handled: a truncated
/// prefix or varint, a wrong wire type, a compressed or unknown flag, a length past the bytes
/// or the cap, a second message: each is an error sentence ("truncated varint in the response
/// message"). Unknown fields are skipped, as protobuf does.
core::expected<health_response> decode_health_response(std::string_view body,
                                                       std::size_t max_message);

/// "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN", "UNKNOWN"; nullopt for any other number.
std::optional<std::string_view> serving_status_name(std::uint64_t status);

/// The name of a gRPC status code ("OK", "NOT_FOUND", "UNIMPLEMENTED"...), or "code N" beyond 16.
std::string status_code_name(int code);

/// grpc-message as the spec percent-encodes it, decoded; a '%' not followed by two hex digits is
/// kept as it is (the spec asks receivers to be lenient).
std::string percent_decode(std::string_view text);

}  // namespace fleetcheck::probe::grpc
