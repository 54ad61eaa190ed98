#include "probe/http_exchange.hpp"

#include <cerrno>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <fmt/format.h>

#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::probe {

namespace asio = boost::asio;

request_line request_line_of(const core::target& t) {
  return request_line{t.kind, t.host, t.port, t.path, t.request.method, t.request.body};
}

http::request<http::string_body> make_request(const core::target& t, const request_line& line) {
  http::request<http::string_body> req;
  const auto verb = http::string_to_verb(line.method);
  if (verb == http::verb::unknown) {
    req.method_string(line.method);
  } else {
    req.method(verb);
  }
  req.target(line.path);
  req.version(11);
  const bool default_port = line.port == (line.kind == core::target_kind::https ? 443 : 80);
  const bool ipv6 = line.host.find(':') != std::string::npos;
  std::string host = ipv6 ? "[" + line.host + "]" : line.host;
  if (!default_port) host += ":" + std::to_string(line.port);
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "fleetcheck/0.1");
  req.set(http::field::accept, "*/*");
  // One check, one connection: closing tells the server not to keep state for us.
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : t.request.headers) req.set(name, value);
  if (!line.body.empty() || req.method() == http::verb::post || req.method() == http::verb::put) {
    req.body() = line.body;
    req.prepare_payload();
  }
  return req;
}

void configure_parser(response_parser& parser, const core::target& t, std::string_view method) {
  parser.body_limit(t.max_body_bytes);
  if (method == "HEAD") parser.skip(true);
}

void judge_response(const core::target& t, response_parser& parser, core::probe_result& result) {
  auto& response = parser.get();
  result.http_status = static_cast<int>(response.result_int());
  if (t.keeps_body()) result.body = std::move(response.body());
  const bool status_decides = t.conditions.empty() || !t.expect_status.is_default();
  if (!status_decides || t.expect_status.contains(result.http_status)) {
    result.outcome = core::outcome::healthy;
    result.error.clear();
  } else {
    result.outcome = core::outcome::unhealthy;
    result.error = fmt::format("HTTP {} {}, expected {}", result.http_status,
                               std::string_view(response.reason()), t.expect_status.describe());
  }
}

namespace {

std::string describe_io_error(const boost::system::error_code& ec, core::probe_phase phase,
                              std::size_t bytes_received, const core::target& t) {
  using he = http::error;
  if (ec == he::body_limit) {
    return fmt::format("response body exceeds the {} byte limit (max_body)", t.max_body_bytes);
  }
  if (ec == he::header_limit) return "response headers exceed the 8 KiB limit";
  if (ec == he::partial_message) {
    return fmt::format("connection closed mid-response after {} bytes", bytes_received);
  }
  if (ec == he::end_of_stream || ec == asio::error::eof) {
    return phase == core::probe_phase::first_byte || bytes_received == 0
               ? "connection closed by server without a response"
               : fmt::format("connection closed mid-response after {} bytes", bytes_received);
  }
  if (ec.category() == http::make_error_code(he::bad_version).category()) {
    return fmt::format("malformed HTTP response ({})", ec.message());
  }
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::connection_reset) {
    return fmt::format("connection reset by peer while {}", core::to_string(phase));
  }
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again) {
    return fmt::format("cannot resolve host '{}': {}", t.host, ec.message());
  }
  if (ec == asio::error::network_unreachable) return "network unreachable";
  if (ec == asio::error::host_unreachable) return "host unreachable";
  return fmt::format("{} while {}", ec.message(), core::to_string(phase));
}

}  // namespace

void judge_failure(const boost::system::error_code& ec, core::probe_phase phase, bool is_deadline,
                   const std::string& timeout_text, std::size_t bytes_received,
                   const core::target& t, core::probe_result& result) {
  const bool timed_out = ec == boost::beast::error::timeout || ec == asio::error::timed_out;
  if (timed_out) {
    result.outcome = is_deadline ? core::outcome::deadline : core::outcome::timeout;
    result.error = is_deadline ? fmt::format("deadline reached while {}", core::to_string(phase))
                               : fmt::format("timed out after {} while {}", timeout_text,
                                             core::to_string(phase));
    if (bytes_received > 0 && phase == core::probe_phase::transfer) {
      result.error += fmt::format(" ({} bytes received)", bytes_received);
    }
    return;
  }
  result.outcome = core::outcome::error;
  result.error = describe_io_error(ec, phase, bytes_received, t);
}

bool is_back_pressure(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  const int v = ec.value();
  return v == EMFILE || v == ENFILE || v == ENOBUFS || v == EADDRNOTAVAIL || v == ENOMEM;
}

}  // namespace fleetcheck::probe
