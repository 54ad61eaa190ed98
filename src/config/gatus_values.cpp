#include "config/gatus_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <random>

namespace fleetcheck::config {
namespace {

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string expand_body(const std::string& raw, const std::string& name, const std::string& group,
                        const std::string& url) {
  auto body =
      replace_all(replace_all(replace_all(raw, "[ENDPOINT_NAME]", name), "[ENDPOINT_GROUP]", group),
                  "[ENDPOINT_URL]", url);
  static constexpr std::string_view prefix = "[RANDOM_STRING_";
  static constexpr std::string_view alphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  std::size_t from = 0;
  for (auto at = body.find(prefix); at != std::string::npos; at = body.find(prefix, from)) {
    out.append(body, from, at - from);
    const auto digits = at + prefix.size();
    auto end = digits;
    while (end < body.size() && std::isdigit(static_cast<unsigned char>(body[end])) != 0) ++end;
    if (end == digits || end == body.size() || body[end] != ']') {
      out += prefix;
      from = digits;
      continue;
    }
    std::size_t length = 0;  // as Go's Atoi: a number too large to read gives none
    std::from_chars(body.data() + digits, body.data() + end, length);
    thread_local std::mt19937 random{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    for (std::size_t i = 0; i < std::min<std::size_t>(length, 8192); ++i) {
      out += alphabet[pick(random)];
    }
    from = end + 1;
  }
  out.append(body, from);
  return out;
}

core::endpoint loose_endpoint(std::string_view url) {
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  }
  url = url.substr(0, url.find_first_of("/?#"));
  if (const auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  core::endpoint out;
  std::string_view port;
  if (url.starts_with('[') && url.find(']') != std::string_view::npos) {
    const auto close = url.find(']');
    out.host = std::string(url.substr(1, close - 1));
    if (url.substr(close + 1).starts_with(':')) port = url.substr(close + 2);
  } else if (std::count(url.begin(), url.end(), ':') == 1) {
    out.host = std::string(url.substr(0, url.find(':')));
    port = url.substr(url.find(':') + 1);
  } else {
    out.host = std::string(url);
  }
  unsigned number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (ec == std::errc{} && end == port.data() + port.size() && number <= 65535) {
    out.port = static_cast<std::uint16_t>(number);
  }
  return out;
}

std::string without_userinfo(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto start = scheme + 3;
  const auto authority = url.substr(start, url.find_first_of("/?#", start) - start);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, start)) + std::string(url.substr(start + at + 1));
}

}  // namespace fleetcheck::config
