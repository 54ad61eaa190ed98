#include "fleetcheck/core/failure.hpp"

#include <string>

namespace fleetcheck::core {

std::string_view to_string(failure f) {
  switch (f) {
    case failure::none:
      return "none";
    case failure::unexpected_status:
      return "unexpected_status";
    case failure::condition_failed:
      return "condition_failed";
    case failure::unexpected_reply:
      return "unexpected_reply";
    case failure::resolve_failed:
      return "resolve_failed";
    case failure::connection_refused:
      return "connection_refused";
    case failure::unreachable:
      return "unreachable";
    case failure::connection_reset:
      return "connection_reset";
    case failure::connection_closed:
      return "connection_closed";
    case failure::tls_certificate:
      return "tls_certificate";
    case failure::tls_handshake:
      return "tls_handshake";
    case failure::malformed_response:
      return "malformed_response";
    case failure::body_too_large:
      return "body_too_large";
    case failure::headers_too_large:
      return "headers_too_large";
    case failure::bad_redirect:
      return "bad_redirect";
    case failure::io_error:
      return "io_error";
    case failure::internal_error:
      return "internal_error";
    case failure::unsupported_protocol:
      return "unsupported_protocol";
    case failure::grpc_error:
      return "grpc_error";
    case failure::timeout:
      return "timeout";
    case failure::deadline:
      return "deadline";
    case failure::interrupted:
      return "interrupted";
    case failure::not_started:
      return "not_started";
  }
  return "unknown";
}

namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "fleetcheck.failure"; }
  std::string message(int value) const override {
    return std::string(to_string(static_cast<failure>(value)));
  }
};

}  // namespace

const std::error_category& failure_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace fleetcheck::core
