#include "probe/http/request.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>

namespace fleetcheck::probe {

request_line request_line_of(const core::http_spec& spec, const core::check_settings& settings) {
  return request_line{spec.tls, spec.at, spec.path, settings.http.request.method,
                      settings.http.request.body};
}

http::request<http::string_body> make_request(const core::check_settings& settings,
                                              const request_line& line, bool keep_alive) {
  http::request<http::string_body> req;
  const auto verb = http::string_to_verb(line.method);
  if (verb == http::verb::unknown) {
    req.method_string(line.method);
  } else {
    req.method(verb);
  }
  req.target(line.path);
  req.version(11);
  const bool default_port = line.at.port == (line.tls ? 443 : 80);
  const bool ipv6 = line.at.host.find(':') != std::string::npos;
  std::string host = ipv6 ? "[" + line.at.host + "]" : line.at.host;
  if (!default_port) host += ":" + std::to_string(line.at.port);
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "fleetcheck/0.1");
  req.set(http::field::accept, "*/*");
  // One check, one connection: closing tells the server not to keep state for us. A kept
  // connection says nothing: keep-alive is HTTP/1.1's default.
  if (!keep_alive) req.set(http::field::connection, "close");
  for (const auto& [name, value] : settings.http.request.headers) req.set(name, value);
  if (!line.body.empty() || req.method() == http::verb::post || req.method() == http::verb::put) {
    req.body() = line.body;
    req.prepare_payload();
  }
  return req;
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

core::expected<request_line> follow(const request_line& from, int status,
                                    std::string_view location) {
  const bool ipv6 = from.at.host.find(':') != std::string::npos;
  const auto base_text =
      fmt::format("{}://{}:{}{}", from.tls ? "https" : "http",
                  ipv6 ? "[" + from.at.host + "]" : from.at.host, from.at.port, from.path);
  const auto base = boost::urls::parse_uri(base_text);
  const auto ref = boost::urls::parse_uri_reference(location);
  boost::urls::url next;
  if (!base || !ref || !boost::urls::resolve(*base, *ref, next)) {
    return core::unexpected{fmt::format("invalid redirect Location '{}'", location)};
  }
  request_line line = from;
  if (next.scheme_id() == boost::urls::scheme::http) {
    line.tls = false;
    line.at.port = 80;
  } else if (next.scheme_id() == boost::urls::scheme::https) {
    line.tls = true;
    line.at.port = 443;
  } else {
    return core::unexpected{fmt::format("redirect to unsupported URL '{}'", location)};
  }
  line.at.host = next.host_address();
  if (line.at.host.empty()) {
    return core::unexpected{fmt::format("invalid redirect Location '{}'", location)};
  }
  if (next.has_port()) {
    const auto port = next.port_number();
    if (port == 0) return core::unexpected{fmt::format("invalid redirect Location '{}'", location)};
    line.at.port = port;
  }
  line.path = next.encoded_path().empty() ? "/" : std::string(next.encoded_path());
  if (next.has_query()) line.path += "?" + std::string(next.encoded_query());
  if (status == 303 || ((status == 301 || status == 302) && from.method == "POST")) {
    line.method = "GET";
    line.body.clear();
  }
  return line;
}

}  // namespace fleetcheck::probe
