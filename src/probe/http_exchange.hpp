#pragma once
// Internal: what one HTTP check sends and how it judges the answer, independent of how the I/O is
// driven. The production event loop and the benchmark's blocking drivers share it, so that they
// differ only in their concurrency model.

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::probe {

namespace http = boost::beast::http;
using response_parser = http::response_parser<http::string_body>;

/// Where a request goes and what it is; starts as the target's, changes when a redirect is
/// followed.
struct request_line {
  core::target_kind kind;
  std::string host;
  std::uint16_t port;
  std::string path;
  std::string method;
  std::string body;
};
request_line request_line_of(const core::target& t);

/// The request for `line` with the target's headers: HTTP/1.1, `Connection: close`.
http::request<http::string_body> make_request(const core::target& t, const request_line& line);
inline http::request<http::string_body> make_request(const core::target& t) {
  return make_request(t, request_line_of(t));
}

/// Applies the target's body cap (and HEAD semantics) to a fresh parser.
void configure_parser(response_parser& parser, const core::target& t, std::string_view method);
inline void configure_parser(response_parser& parser, const core::target& t) {
  configure_parser(parser, t, t.request.method);
}

/// Sets status, outcome and error from a complete response, and keeps the body when a condition
/// needs it. With conditions, the status is judged only if expect_status was set explicitly; the
/// conditions (run_check) decide the rest.
void judge_response(const core::target& t, response_parser& parser, core::probe_result& result);

/// Sets outcome and error for an I/O failure `ec` that happened in `phase`. `timeout_text` names
/// the limit that ran out, for timeouts ("2s").
void judge_failure(const boost::system::error_code& ec, core::probe_phase phase, bool is_deadline,
                   const std::string& timeout_text, std::size_t bytes_received,
                   const core::target& t, core::probe_result& result);

/// Whether an error means "the machine is out of descriptors or ports right now": the engine waits
/// and retries such errors instead of failing the check.
bool is_back_pressure(const boost::system::error_code& ec);

}  // namespace fleetcheck::probe
