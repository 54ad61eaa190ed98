#include "fleetcheck/config/target_url.hpp"

#include <charconv>
#include <stdexcept>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>

namespace fleetcheck::config {

core::target target_from_url(std::string_view text, const target_defaults& defaults) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    throw std::invalid_argument(fmt::format("invalid URL '{}': {}", text, parsed.error().message()));
  }
  const boost::urls::url_view url = *parsed;

  core::target t;
  const auto scheme = url.scheme_id();
  if (scheme == boost::urls::scheme::http) {
    t.kind = core::target_kind::http;
    t.port = 80;
  } else {
    throw std::invalid_argument(
        fmt::format("unsupported URL scheme '{}' in '{}': use http://", url.scheme(), text));
  }
  if (!url.has_authority() || url.host_address().empty()) {
    throw std::invalid_argument(fmt::format("URL '{}' has no host", text));
  }
  if (url.has_userinfo()) {
    throw std::invalid_argument(fmt::format(
        "URL '{}' carries credentials: put them in a header so they stay out of reports",
        url.host_address()));
  }
  t.host = url.host_address();
  if (url.has_port()) {
    // Boost.URL's port_number() wraps values past 65535; check the digits ourselves.
    const auto digits = url.port();
    unsigned long port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || port == 0 ||
        port > 65535) {
      throw std::invalid_argument(fmt::format("URL '{}' has an invalid port '{}'", text, digits));
    }
    t.port = static_cast<std::uint16_t>(port);
  }
  t.path = url.encoded_path().empty() ? std::string("/") : std::string(url.encoded_path());
  if (url.has_query()) {
    t.path += '?';
    t.path += url.encoded_query();
  }
  t.url = std::string(text);
  t.name = t.url;
  t.request = defaults.request;
  t.timeout = defaults.timeout;
  t.expect_status = defaults.expect_status;
  t.max_body_bytes = defaults.max_body_bytes;
  return t;
}

}  // namespace fleetcheck::config
