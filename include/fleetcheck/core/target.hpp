#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "fleetcheck/core/check_settings.hpp"

namespace fleetcheck::core {

/// Where a check connects.
struct endpoint {
  std::string host;  ///< host name or IP literal, without IPv6 brackets
  std::uint16_t port = 0;
};

/// http:// and https://: one request, one response.
struct http_spec {
  endpoint at;
  std::string path = "/";  ///< origin-form request target: path and query
  bool tls = false;        ///< https://
};

/// tcp://: the port accepts a connection (and, with send/expect, answers as expected).
struct tcp_spec {
  endpoint at;
};

/// What kind of check a target is, with what only that protocol needs. Adding a protocol adds an
/// alternative here (see docs/adding-a-protocol.md).
using protocol_spec = std::variant<http_spec, tcp_spec>;

/// One thing to check, validated: every field is usable as it is. Built by the config loader.
struct target {
  std::string name;
  std::string origin;  ///< where it was defined, for messages: "fleet.yaml:12", "argument 3"
  std::string url;     ///< as shown in reports (never contains credentials)
  std::string group;   ///< optional grouping for reports and selection
  protocol_spec spec;
  check_settings settings;

  const endpoint& at() const {
    return std::visit([](const auto& s) -> const endpoint& { return s.at; }, spec);
  }
  /// Whether the connection is TLS (its settings are `settings.tls`).
  bool uses_tls() const {
    const auto* http = std::get_if<http_spec>(&spec);
    return http != nullptr && http->tls;
  }
};

}  // namespace fleetcheck::core
