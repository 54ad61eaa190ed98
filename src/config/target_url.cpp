#include "fleetcheck/config/target_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include <boost/asio/ip/address_v6.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>

#include "fleetcheck/core/secrets.hpp"

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

/// The name and type of dns://server/name?type=MX.
core::expected<core::dns_spec> dns_spec_from_url(const boost::urls::url_view& url,
                                                 std::string_view text) {
  if (url.has_userinfo()) {
    return core::unexpected{fmt::format("URL '{}': dns:// targets take no credentials", text)};
  }
  core::dns_spec spec;
  std::string path = url.path();
  if (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (!path.empty() && path.back() == '.') path.pop_back();  // the root's dot is implied
  if (path.empty()) {
    return core::unexpected{fmt::format(
        "URL '{}': a dns:// target names what to ask: dns://server/example.com?type=A", text)};
  }
  if (path.size() > 253 || path.find_first_of("/ ") != std::string::npos) {
    return core::unexpected{fmt::format("URL '{}': '{}' is not a DNS name", text, path)};
  }
  spec.name = std::move(path);
  for (const auto& param : url.params()) {
    if (param.key != "type") {
      return core::unexpected{
          fmt::format("URL '{}': unknown parameter '{}' (dns:// takes ?type=)", text, param.key)};
    }
    std::string type = param.value;
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (std::find(std::begin(core::dns_spec::types), std::end(core::dns_spec::types), type) ==
        std::end(core::dns_spec::types)) {
      return core::unexpected{fmt::format(
          "URL '{}': unsupported DNS query type '{}' (A, AAAA, CNAME, MX, TXT, NS, SRV, PTR, SOA)",
          text, param.value)};
    }
    spec.type = std::move(type);
  }
  return spec;
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

void set_basic_auth(core::check_settings& settings, std::string_view user,
                    std::string_view password) {
  const auto token = base64(std::string(user) + ":" + std::string(password));
  set_header(settings.http.request, "Authorization", "Basic " + token);
  core::add_secret(settings.secrets, token);
  core::add_secret(settings.secrets, std::string(password));
}

core::expected<core::target> target_from_url(std::string_view text,
                                             const core::check_settings& settings) {
  if (text.find("://") == std::string_view::npos) {
    return core::unexpected{
        fmt::format("invalid URL '{}': no scheme (did you mean 'http://{}'?)", text, text)};
  }
  // Gatus writes IPv6 pings without brackets (icmp://::1): such a host is taken as it is.
  if (text.starts_with("icmp://")) {
    boost::system::error_code not_ip;
    const auto host = text.substr(7);
    if (boost::asio::ip::make_address_v6(host, not_ip); !not_ip) {
      core::target t;
      t.settings = settings;
      t.spec = core::icmp_spec{core::endpoint{std::string(host), 0}};
      t.url = std::string(text);
      t.name = t.url;
      return t;
    }
  }
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    return core::unexpected{fmt::format("invalid URL '{}': {}", text, parsed.error().message())};
  }
  const boost::urls::url_view url = *parsed;
  const auto scheme = url.scheme_id();
  const bool http = scheme == boost::urls::scheme::http;
  const bool https = scheme == boost::urls::scheme::https;
  const bool tcp = url.scheme() == "tcp";
  const bool grpc = url.scheme() == "grpc";
  const bool grpcs = url.scheme() == "grpcs";
  const bool tls = url.scheme() == "tls";
  const bool icmp = url.scheme() == "icmp";
  const bool dns = url.scheme() == "dns";
  if (!http && !https && !tcp && !grpc && !grpcs && !tls && !icmp && !dns) {
    return core::unexpected{fmt::format(
        "unsupported URL scheme '{}' in '{}': use http://, https://, tcp://, tls://, icmp://, "
        "dns://, grpc:// or grpcs://",
        url.scheme(), text)};
  }
  if (!url.has_authority() || url.host_address().empty()) {
    return core::unexpected{fmt::format("URL '{}' has no host", text)};
  }
  core::endpoint at{url.host_address(), static_cast<std::uint16_t>(http    ? 80
                                                                   : https ? 443
                                                                   : dns   ? 53
                                                                           : 0)};
  if (url.has_port()) {
    // Boost.URL's port_number() wraps values past 65535; check the digits ourselves.
    const auto digits = url.port();
    unsigned long port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || port == 0 ||
        port > 65535) {
      return core::unexpected{fmt::format("URL '{}' has an invalid port '{}'", text, digits)};
    }
    at.port = static_cast<std::uint16_t>(port);
  }
  core::target t;
  t.settings = settings;
  if (grpc || grpcs) {
    // No default port: gRPC servers listen anywhere (50051 is only the examples' habit).
    if (at.port == 0) return core::unexpected{fmt::format("URL '{}' needs a port", text)};
    if (url.has_userinfo() || url.has_query()) {
      return core::unexpected{
          fmt::format("URL '{}': {}:// targets take no credentials or query (use headers)", text,
                      url.scheme())};
    }
    // The path, if any, names the service asked about: grpc://host:port/my.pkg.Service.
    std::string service = url.path();
    if (!service.empty() && service.front() == '/') service.erase(0, 1);
    if (service.find('/') != std::string::npos) {
      return core::unexpected{fmt::format(
          "URL '{}': the path is one service name (grpc://host:port/package.Service)", text)};
    }
    t.spec = core::grpc_spec{std::move(at), std::move(service), grpcs};
  } else if (tcp || tls || icmp) {
    const auto scheme_name = url.scheme();
    if (icmp && url.has_port()) {
      return core::unexpected{fmt::format("URL '{}': icmp:// targets take no port", text)};
    }
    if (!icmp && at.port == 0) return core::unexpected{fmt::format("URL '{}' needs a port", text)};
    if (!url.encoded_path().empty() && url.encoded_path() != "/") {
      return core::unexpected{
          fmt::format("URL '{}': {}:// targets take no path", text, scheme_name)};
    }
    if (url.has_userinfo()) {
      return core::unexpected{
          fmt::format("URL '{}': {}:// targets take no credentials", text, scheme_name)};
    }
    if (tcp) t.spec = core::tcp_spec{std::move(at)};
    if (tls) t.spec = core::tls_spec{std::move(at)};
    if (icmp) t.spec = core::icmp_spec{std::move(at)};
  } else if (dns) {
    auto spec = dns_spec_from_url(url, text);
    if (!spec) return core::unexpected{spec.error()};
    spec->at = std::move(at);
    t.spec = std::move(*spec);
  } else {
    core::http_spec spec{std::move(at), std::string(url.encoded_path()), https};
    if (spec.path.empty()) spec.path = "/";
    if (url.has_query()) {
      spec.path += '?';
      spec.path += url.encoded_query();
    }
    t.spec = std::move(spec);
    if (url.has_userinfo()) {
      set_basic_auth(t.settings, url.user(), url.has_password() ? std::string(url.password()) : "");
    }
  }
  // Credentials in the URL become basic auth and never appear in reports.
  boost::urls::url shown(url);
  shown.remove_userinfo();
  shown.remove_fragment();
  t.url = std::string(shown.buffer());
  t.name = t.url;
  return t;
}

}  // namespace fleetcheck::config
