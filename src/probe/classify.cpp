#include "probe/classify.hpp"

#include <cerrno>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <fmt/format.h>

namespace fleetcheck::probe {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using core::failure;

check::transport_failure classify(const boost::system::error_code& ec, core::probe_phase phase,
                                  std::size_t bytes_received, const failure_context& about) {
  const auto make = [&](failure kind, std::string message) {
    return check::transport_failure{kind, phase, std::move(message), bytes_received};
  };
  using he = http::error;
  if (ec == boost::beast::error::timeout || ec == asio::error::timed_out) {
    return make(failure::timeout, "");
  }
  if (ec == he::body_limit) {
    return make(
        failure::body_too_large,
        fmt::format("response body exceeds the {} byte limit (max_body)", about.max_body_bytes));
  }
  if (ec == he::header_limit) {
    return make(failure::headers_too_large,
                fmt::format("response headers exceed the {} byte limit (max_header)",
                            about.max_header_bytes));
  }
  if (ec == he::partial_message) {
    return make(failure::connection_closed,
                fmt::format("connection closed mid-response after {} bytes", bytes_received));
  }
  if (ec == he::end_of_stream || ec == asio::error::eof) {
    return make(failure::connection_closed,
                phase == core::probe_phase::first_byte || bytes_received == 0
                    ? std::string("connection closed by server without a response")
                    : fmt::format("connection closed mid-response after {} bytes", bytes_received));
  }
  if (ec.category() == http::make_error_code(he::bad_version).category()) {
    return make(failure::malformed_response,
                fmt::format("malformed HTTP response ({})", ec.message()));
  }
  if (ec == asio::error::connection_refused)
    return make(failure::connection_refused, "connection refused");
  if (ec == asio::error::connection_reset) {
    return make(failure::connection_reset,
                fmt::format("connection reset by peer while {}", core::to_string(phase)));
  }
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again ||
      ec == asio::error::no_recovery) {
    return make(failure::resolve_failed,
                fmt::format("cannot resolve host '{}': {}", about.host, ec.message()));
  }
  if (ec == asio::error::network_unreachable)
    return make(failure::unreachable, "network unreachable");
  if (ec == asio::error::host_unreachable) return make(failure::unreachable, "host unreachable");
  if (ec == asio::error::operation_aborted) {
    return make(failure::interrupted, fmt::format("cancelled while {}", core::to_string(phase)));
  }
  return make(failure::io_error, fmt::format("{} while {}", ec.message(), core::to_string(phase)));
}

bool is_back_pressure(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  const int v = ec.value();
  return v == EMFILE || v == ENFILE || v == ENOBUFS || v == EADDRNOTAVAIL || v == ENOMEM;
}

std::string excerpt(std::string_view data, std::size_t most) {
  std::string out;
  for (const char c : data.substr(0, most)) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  if (data.size() > most) out += "...";
  return out;
}

}  // namespace fleetcheck::probe
