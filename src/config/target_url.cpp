#include "fleetcheck/config/target_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>

namespace fleetcheck::config {

namespace {

std::string base64(std::string_view in) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(in[i]) << 16) |
                   (static_cast<unsigned char>(in[i + 1]) << 8) |
                   static_cast<unsigned char>(in[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i < in.size()) {
    const bool two = i + 1 < in.size();
    const auto n = (static_cast<unsigned char>(in[i]) << 16) |
                   (two ? static_cast<unsigned char>(in[i + 1]) << 8 : 0);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += two ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace

void set_header(core::http_request& request, std::string name, std::string value) {
  std::erase_if(request.headers, [&](const auto& h) {
    return h.first.size() == name.size() &&
           std::equal(name.begin(), name.end(), h.first.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  });
  request.headers.emplace_back(std::move(name), std::move(value));
}

void set_basic_auth(core::target& t, std::string_view user, std::string_view password) {
  const auto token = base64(std::string(user) + ":" + std::string(password));
  set_header(t.request, "Authorization", "Basic " + token);
  add_secret(t.secrets, token);
  add_secret(t.secrets, std::string(password));
}

void add_secret(std::vector<std::string>& secrets, std::string value) {
  if (value.empty() || std::find(secrets.begin(), secrets.end(), value) != secrets.end()) return;
  secrets.push_back(std::move(value));
}

bool is_secret_name(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string_view word :
       {"authorization", "cookie", "token", "secret", "pass", "key", "auth", "credential"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 4)) {
      text.replace(pos, secret.size(), "****");
    }
  }
  return text;
}

core::target target_from_url(std::string_view text, const target_defaults& defaults) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    throw std::invalid_argument(
        fmt::format("invalid URL '{}': {}", text, parsed.error().message()));
  }
  const boost::urls::url_view url = *parsed;

  core::target t;
  const auto scheme = url.scheme_id();
  if (scheme == boost::urls::scheme::http) {
    t.kind = core::target_kind::http;
    t.port = 80;
  } else if (scheme == boost::urls::scheme::https) {
    t.kind = core::target_kind::https;
    t.port = 443;
  } else if (url.scheme() == "tcp") {
    t.kind = core::target_kind::tcp;
    t.port = 0;
  } else {
    throw std::invalid_argument(
        fmt::format("unsupported URL scheme '{}' in '{}': use http://, https:// or tcp://",
                    url.scheme(), text));
  }
  if (!url.has_authority() || url.host_address().empty()) {
    throw std::invalid_argument(fmt::format("URL '{}' has no host", text));
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
  if (t.kind == core::target_kind::tcp) {
    if (t.port == 0) throw std::invalid_argument(fmt::format("URL '{}' needs a port", text));
    if (!url.encoded_path().empty() && url.encoded_path() != "/") {
      throw std::invalid_argument(fmt::format("URL '{}': tcp:// targets take no path", text));
    }
  }
  t.path = url.encoded_path().empty() ? std::string("/") : std::string(url.encoded_path());
  if (url.has_query()) {
    t.path += '?';
    t.path += url.encoded_query();
  }
  // Credentials in the URL become basic auth and never appear in reports.
  boost::urls::url shown(url);
  shown.remove_userinfo();
  shown.remove_fragment();
  t.url = std::string(shown.buffer());
  t.name = t.url;
  t.request = defaults.request;
  t.timeout = defaults.timeout;
  t.expect_status = defaults.expect_status;
  t.max_body_bytes = defaults.max_body_bytes;
  t.tls = defaults.tls;
  t.conditions = defaults.conditions;
  t.retries = defaults.retries;
  t.follow_redirects = defaults.follow_redirects;
  t.secrets = defaults.secrets;
  if (url.has_userinfo()) {
    set_basic_auth(t, url.user(), url.has_password() ? std::string(url.password()) : "");
  }
  return t;
}

}  // namespace fleetcheck::config
