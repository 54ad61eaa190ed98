#include "config/settings_keys.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/core/secrets.hpp"

namespace fleetcheck::config {
namespace {

constexpr std::string_view common_keys[] = {
    "name",         "url",      "group",  "timeout",           "conditions",
    "retries",      "interval", "jitter", "healthy_threshold", "unhealthy_threshold",
    "degraded_when"};
constexpr std::string_view http_keys[] = {
    "method", "headers",          "body",       "expect_status", "max_body",        "max_header",
    "tls",    "follow_redirects", "basic_auth", "bearer_token",  "reuse_connection"};
constexpr std::string_view tcp_keys[] = {"send", "expect"};
// gRPC: headers become request metadata (authorization, x-api-key...); tls as for https://.
constexpr std::string_view grpc_keys[] = {"headers", "tls", "bearer_token", "reuse_connection"};
constexpr std::string_view tls_target_keys[] = {"tls", "send", "expect"};
constexpr std::string_view settings_keys[] = {"timeout",
                                              "conditions",
                                              "retries",
                                              "method",
                                              "headers",
                                              "body",
                                              "expect_status",
                                              "max_body",
                                              "max_header",
                                              "tls",
                                              "follow_redirects",
                                              "reuse_connection",
                                              "basic_auth",
                                              "bearer_token",
                                              "send",
                                              "expect",
                                              "interval",
                                              "jitter",
                                              "healthy_threshold",
                                              "unhealthy_threshold",
                                              "degraded_when"};
constexpr std::string_view tls_keys[] = {"ca_file", "server_name", "insecure_skip_verify",
                                         "cert_file", "key_file"};
constexpr std::string_view basic_auth_keys[] = {"username", "password"};

std::span<const std::string_view> keys_of(const core::http_spec&) {
  return http_keys;
}
std::span<const std::string_view> keys_of(const core::tcp_spec&) {
  return tcp_keys;
}
std::span<const std::string_view> keys_of(const core::grpc_spec&) {
  return grpc_keys;
}
std::span<const std::string_view> keys_of(const core::tls_spec&) {
  return tls_target_keys;
}
// A ping sends nothing of the user's: only the common keys.
std::span<const std::string_view> keys_of(const core::icmp_spec&) {
  return {};
}
// A dns:// target says everything in its URL (server, name, type).
std::span<const std::string_view> keys_of(const core::dns_spec&) {
  return {};
}
// An unsupported protocol is never checked: it takes no keys of its own. Only Gatus files make
// such targets, and they have their own keys (gatus_endpoint.cpp).
std::span<const std::string_view> keys_of(const core::unsupported_spec&) {
  return {};
}
std::string_view label_of(const core::http_spec&) {
  return "http:// and https://";
}
std::string_view label_of(const core::tcp_spec&) {
  return "tcp://";
}
std::string_view label_of(const core::grpc_spec&) {
  return "grpc:// and grpcs://";
}
std::string_view label_of(const core::tls_spec&) {
  return "tls://";
}
std::string_view label_of(const core::icmp_spec&) {
  return "icmp://";
}
std::string_view label_of(const core::dns_spec&) {
  return "dns://";
}
std::string_view label_of(const core::unsupported_spec&) {
  return "unsupported";
}

/// "\r\n" and "\n" in stream send/expect strings, so that line protocols can be spoken.
std::string unescape(const std::string& in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\\' && i + 1 < in.size()) {
      const char c = in[++i];
      out += c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
    } else {
      out += in[i];
    }
  }
  return out;
}

void read_tls(const yaml_reader& r, const YAML::Node& n, std::string_view context,
              core::tls_settings& tls) {
  r.check_keys(n, tls_keys, fmt::format("{}{}tls", context, context.empty() ? "" : ": "));
  if (const auto v = child(n, "ca_file")) tls.ca_file = r.readable_file(v, context, "ca_file");
  if (const auto v = child(n, "cert_file"))
    tls.cert_file = r.readable_file(v, context, "cert_file");
  if (const auto v = child(n, "key_file")) tls.key_file = r.readable_file(v, context, "key_file");
  if (const auto v = child(n, "server_name")) tls.server_name = r.scalar(v, context, "server_name");
  if (const auto v = child(n, "insecure_skip_verify")) {
    tls.insecure_skip_verify = r.boolean(v, context, "insecure_skip_verify");
  }
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    r.fail(n, context, "tls: cert_file and key_file go together (mTLS needs both)");
  }
}

core::status_set read_status_set(const yaml_reader& r, const YAML::Node& n,
                                 std::string_view context) {
  core::status_set set;
  const auto add = [&](const YAML::Node& item) {
    try {
      set.add(r.scalar(item, context, "expect_status"));
    } catch (const std::invalid_argument& e) {
      r.fail(item, context, fmt::format("'expect_status': {}", e.what()));
    }
  };
  if (n.IsSequence()) {
    if (n.size() == 0) r.fail(n, context, "'expect_status' must not be empty");
    for (const auto& item : n) add(item);
  } else {
    add(n);
  }
  return set;
}

void read_conditions(const yaml_reader& r, const YAML::Node& n, std::string_view context,
                     core::check_settings& into) {
  if (!n.IsSequence()) r.fail(n, context, "'conditions' must be a list, e.g. ['[STATUS] == 200']");
  into.conditions.clear();
  for (const auto& item : n) {
    try {
      into.conditions.push_back(
          conditions::condition::parse(r.scalar(item, context, "conditions")));
    } catch (const conditions::condition_error& e) {
      r.fail(item, context, e.what());
    }
  }
}

/// "10%": a share of the interval, from 0 to 50% (more would let rounds overlap or reorder).
double read_jitter(const yaml_reader& r, const YAML::Node& n, std::string_view context) {
  const auto text = r.scalar(n, context, "jitter");
  double percent = -1;
  if (text.size() > 1 && text.back() == '%') {
    const auto number = text.substr(0, text.size() - 1);
    char* end = nullptr;
    percent = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) percent = -1;
  }
  if (!(percent >= 0 && percent <= 50)) {
    r.fail(n, context,
           fmt::format("'jitter' must be a percentage from 0% to 50%, e.g. 10%, not '{}'", text));
  }
  return percent / 100;
}

void read_health(const yaml_reader& r, const YAML::Node& map, std::string_view context,
                 core::health_settings& into) {
  if (const auto n = child(map, "interval")) into.interval = r.duration(n, context, "interval");
  if (const auto n = child(map, "jitter")) into.jitter = read_jitter(r, n, context);
  if (const auto n = child(map, "healthy_threshold")) {
    into.healthy_threshold = static_cast<int>(r.number(n, context, "healthy_threshold", 1, 100));
  }
  if (const auto n = child(map, "unhealthy_threshold")) {
    into.unhealthy_threshold =
        static_cast<int>(r.number(n, context, "unhealthy_threshold", 1, 100));
  }
  if (const auto n = child(map, "degraded_when")) {
    if (!n.IsSequence()) {
      r.fail(n, context, "'degraded_when' must be a list, e.g. ['[RESPONSE_TIME] > 500']");
    }
    into.degraded_when.clear();
    for (const auto& item : n) {
      try {
        auto c = conditions::condition::parse(r.scalar(item, context, "degraded_when"));
        if (c.needs_body()) {
          r.fail(item, context,
                 fmt::format("degraded_when '{}': cannot read [BODY] (results do not keep it)",
                             c.text()));
        }
        into.degraded_when.push_back(std::move(c));
      } catch (const conditions::condition_error& e) {
        r.fail(item, context, e.what());
      }
    }
  }
}

}  // namespace

std::string upper_method(const yaml_reader& r, const YAML::Node& n, std::string_view context) {
  auto method = r.scalar(n, context, "method");
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (method.empty() ||
      method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
    r.fail(n, context, fmt::format("invalid method '{}'", method));
  }
  return method;
}

void read_headers(const yaml_reader& r, const YAML::Node& n, std::string_view context,
                  core::check_settings& into) {
  if (!n.IsMap()) r.fail(n, context, "'headers' must be a mapping of header names to values");
  for (const auto& h : n) {
    const auto name = r.scalar(h.first, context, "headers");
    if (name.empty() || name.find_first_of(" \t\r\n:") != std::string::npos) {
      r.fail(h.first, context, fmt::format("invalid header name '{}'", name));
    }
    auto value = r.scalar(h.second, context, name);
    if (value.find_first_of("\r\n") != std::string::npos) {
      r.fail(h.second, context, fmt::format("header '{}' contains a line break", name));
    }
    if (core::is_secret_name(name)) core::add_secret(into.secrets, value);
    set_header(into.http.request, name, std::move(value));
  }
}

std::span<const std::string_view> common_target_keys() {
  return common_keys;
}
std::span<const std::string_view> all_settings_keys() {
  return settings_keys;
}

std::span<const std::string_view> protocol_keys(const core::protocol_spec& spec) {
  return std::visit([](const auto& s) { return keys_of(s); }, spec);
}

std::string_view protocol_label(const core::protocol_spec& spec) {
  return std::visit([](const auto& s) { return label_of(s); }, spec);
}

void read_settings(const yaml_reader& r, const YAML::Node& map, std::string_view context,
                   core::check_settings& into) {
  auto& http = into.http;
  if (const auto n = child(map, "timeout")) into.timeout = r.duration(n, context, "timeout");
  if (const auto n = child(map, "retries"))
    into.retries = static_cast<int>(r.number(n, context, "retries", 0, 10));
  if (const auto n = child(map, "conditions")) read_conditions(r, n, context, into);
  if (const auto n = child(map, "method")) http.request.method = upper_method(r, n, context);
  if (const auto n = child(map, "headers")) read_headers(r, n, context, into);
  if (const auto n = child(map, "basic_auth")) {
    r.check_keys(n, basic_auth_keys, context);
    if (!child(n, "username")) r.fail(n, context, "basic_auth needs a username");
    set_basic_auth(into, r.scalar(child(n, "username"), context, "username"),
                   child(n, "password") ? r.scalar(child(n, "password"), context, "password") : "");
  }
  if (const auto n = child(map, "bearer_token")) {
    auto token = r.scalar(n, context, "bearer_token");
    if (token.empty()) r.fail(n, context, "'bearer_token' is empty");
    core::add_secret(into.secrets, token);
    set_header(http.request, "Authorization", "Bearer " + token);
  }
  if (const auto n = child(map, "tls")) read_tls(r, n, context, into.tls);
  if (const auto n = child(map, "follow_redirects")) {
    http.follow_redirects = static_cast<int>(r.number(n, context, "follow_redirects", 0, 20));
  }
  if (const auto n = child(map, "reuse_connection")) {
    http.reuse_connection = r.boolean(n, context, "reuse_connection");
  }
  if (const auto n = child(map, "body")) http.request.body = r.scalar(n, context, "body");
  if (const auto n = child(map, "expect_status"))
    http.expect_status = read_status_set(r, n, context);
  if (const auto n = child(map, "max_body")) {
    http.max_body_bytes =
        r.take(parse_size(r.scalar(n, context, "max_body")), n, context, "max_body");
  }
  if (const auto n = child(map, "max_header")) {
    http.max_header_bytes =
        r.take(parse_size(r.scalar(n, context, "max_header")), n, context, "max_header");
  }
  if (const auto n = child(map, "send")) into.stream.send = unescape(r.scalar(n, context, "send"));
  if (const auto n = child(map, "expect"))
    into.stream.expect = unescape(r.scalar(n, context, "expect"));
  read_health(r, map, context, into.health);
  for (auto& secret : r.take_env_secrets()) core::add_secret(into.secrets, std::move(secret));
}

}  // namespace fleetcheck::config
