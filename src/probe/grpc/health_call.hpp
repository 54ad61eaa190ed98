#pragma once
// Internal: one grpc.health.v1.Health/Check call as an HTTP/2 client session (nghttp2) that does
// no I/O of its own: the probe moves bytes between it and the socket, the fuzzer feeds it bytes.
// This is how Envoy's gRPC health checker sits on its HTTP/2 codec: one event loop, no threads.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fleetcheck/check/attempt_result.hpp"

namespace fleetcheck::probe::grpc {

/// What the call sends.
struct call_request {
  std::string authority;  ///< :authority, "host:port" ("[::1]:50051" for IPv6)
  bool tls = false;       ///< :scheme https
  std::string service;    ///< HealthCheckRequest.service
  std::optional<std::chrono::milliseconds> timeout;  ///< grpc-timeout
  /// Extra metadata (the target's headers); names are lower-cased, connection-specific ones
  /// dropped, and `host` becomes :authority.
  std::vector<std::pair<std::string, std::string>> metadata;
  std::size_t max_header_bytes = 64 * 1024;   ///< cap on the response's headers and trailers
  std::size_t max_message_bytes = 64 * 1024;  ///< cap on the response's DATA
};

/// Everything the server said about the call, as far as it got.
struct call_response {
  std::optional<int> http_status;  ///< :status
  std::string content_type;
  std::optional<int> grpc_status;            ///< from the trailers (or a trailers-only response)
  std::string grpc_message;                  ///< percent-decoded
  std::string message;                       ///< the DATA bytes: length-prefixed messages
  bool stream_closed = false;                ///< the stream ended (normally or by a reset)
  bool end_stream = false;                   ///< the server ended it with END_STREAM
  std::optional<std::uint32_t> reset_code;   ///< RST_STREAM's error code
  std::optional<std::uint32_t> goaway_code;  ///< GOAWAY's error code, when it cut our stream off
  /// The server did not process the call (RFC 9113 §8.7): a GOAWAY whose last stream is below
  /// ours, or RST_STREAM REFUSED_STREAM. Safe to send again on a new connection.
  bool refused = false;
  std::string goaway_debug;    ///< GOAWAY's debug data
  std::string protocol_error;  ///< why the session failed ("" = it did not)
  bool headers_too_large = false;
  bool message_too_large = false;
  std::string first_bytes;  ///< the first bytes received, to recognise an HTTP/1.x answer
};

/// The client session of one call, and of the calls after it on the same connection (serve's
/// reuse_connection). Not thread-safe; used by one coroutine at a time.
class health_call {
 public:
  /// A new session (the preface and SETTINGS go out first) with `request` as its first call.
  explicit health_call(const call_request& request);
  ~health_call();
  health_call(const health_call&) = delete;
  health_call& operator=(const health_call&) = delete;

  /// The bytes to write now (the preface, SETTINGS, the request, acknowledgements...), moved
  /// out; empty when there are none.
  std::string take_output();
  /// Hands the session bytes read from the server.
  void feed(std::string_view bytes);
  /// Whether the call is over: the stream closed, or the session failed or was told to go away.
  bool finished() const;
  /// Whether the response's headers (or trailers-only) have arrived: the server has answered.
  bool answered() const;
  const call_response& response() const;

  /// Whether another call may go over this session: the last one ended cleanly, the session is
  /// sound and the server has not sent GOAWAY.
  bool can_call_again() const;
  /// Starts `request` as a new stream on the session; response() starts afresh. Only when
  /// can_call_again().
  void call_again(const call_request& request);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// What an ended call means for the check: a failure (kind + sentence), or an observation with
/// the gRPC facts (and `wrong_answer` unless the service is SERVING). Pure: unit-tested with
/// values, shared by the probe and the fuzzer.
struct call_verdict {
  std::optional<check::transport_failure> failed;  ///< phase left for the caller to set
  core::grpc_facts facts;
  std::optional<std::string> wrong_answer;
};
call_verdict judge_call(const call_response& response, std::size_t max_message_bytes);

/// grpc-timeout's value for `left` ("1500m"): milliseconds, at least 1, at most 8 digits.
std::string grpc_timeout_value(std::chrono::milliseconds left);

}  // namespace fleetcheck::probe::grpc
