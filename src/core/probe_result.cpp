#include "fleetcheck/core/probe_result.hpp"

namespace fleetcheck::core {

std::string_view to_string(outcome o) {
  switch (o) {
    case outcome::healthy:
      return "healthy";
    case outcome::unhealthy:
      return "unhealthy";
    case outcome::error:
      return "error";
    case outcome::timeout:
      return "timeout";
    case outcome::deadline:
      return "deadline";
  }
  return "unknown";
}

std::string_view to_string(probe_phase p) {
  switch (p) {
    case probe_phase::queued:
      return "queued";
    case probe_phase::resolve:
      return "resolving";
    case probe_phase::connect:
      return "connecting";
    case probe_phase::tls:
      return "in TLS handshake";
    case probe_phase::write:
      return "sending request";
    case probe_phase::first_byte:
      return "waiting for response";
    case probe_phase::transfer:
      return "reading response";
    case probe_phase::done:
      return "done";
  }
  return "unknown";
}

std::string_view phase_name(probe_phase p) {
  switch (p) {
    case probe_phase::queued:
      return "queued";
    case probe_phase::resolve:
      return "resolve";
    case probe_phase::connect:
      return "connect";
    case probe_phase::tls:
      return "tls";
    case probe_phase::write:
      return "write";
    case probe_phase::first_byte:
      return "first_byte";
    case probe_phase::transfer:
      return "transfer";
    case probe_phase::done:
      return "done";
  }
  return "unknown";
}

}  // namespace fleetcheck::core
