#pragma once
// Internal: what an HTTP check sends, and where it goes next after a redirect. Pure: no I/O, so
// the event loop and the benchmark's blocking drivers share it, and it is unit-tested with values.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "fleetcheck/core/expected.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::probe {

namespace http = boost::beast::http;

/// Where a request goes and what it is; starts as the target's, changes when a redirect is
/// followed.
struct request_line {
  bool tls = false;
  core::endpoint at;
  std::string path;
  std::string method;
  std::string body;
};
request_line request_line_of(const core::http_spec& spec, const core::check_settings& settings);

/// The request for `line` with the settings' headers: HTTP/1.1, `Connection: close` unless
/// `keep_alive` (the connection is to be kept for the next check).
http::request<http::string_body> make_request(const core::check_settings& settings,
                                              const request_line& line, bool keep_alive = false);

/// Whether `status` is a redirect that carries a Location to follow.
bool is_redirect(int status);

/// The next request after a `status` redirect to `location` (resolved against `from`), or why it
/// cannot be made. 303, and 301/302 after a POST, continue as GET, as browsers and curl do.
core::expected<request_line> follow(const request_line& from, int status,
                                    std::string_view location);

}  // namespace fleetcheck::probe
