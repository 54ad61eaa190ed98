#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

/// grpc:// and grpcs://: one call of grpc.health.v1.Health/Check over HTTP/2 (h2c, or TLS with
/// ALPN h2), healthy when the service is SERVING.
struct grpc_spec {
  endpoint at;
  std::string service;  ///< HealthCheckRequest.service; "" asks about the server as a whole
  bool tls = false;     ///< grpcs://
  /// Whether a serving status other than SERVING makes the check unhealthy by itself. Gatus
  /// endpoints leave it to their conditions ([CONNECTED] is true for any answer).
  bool serving_decides = true;
};

/// tls://: the port accepts a connection and completes a verified TLS handshake (and, with
/// send/expect, answers as expected over TLS).
struct tls_spec {
  endpoint at;
};

/// icmp://: the host answers an ICMP echo request (ping). `at.port` is unused.
struct icmp_spec {
  endpoint at;
};

/// dns://server[:port]/name?type=A: one question to that DNS server (UDP, TCP when the answer is
/// truncated); healthy on NOERROR with at least one answer, unless conditions decide.
struct dns_spec {
  endpoint at;             ///< the DNS server asked (port 53 unless given)
  std::string name;        ///< the name asked about, without the root's trailing dot
  std::string type = "A";  ///< A, AAAA, CNAME, MX, TXT, NS, SRV, PTR or SOA

  /// The question types a check can ask, as written in URLs and configs.
  static constexpr std::string_view types[] = {"A",  "AAAA", "CNAME", "MX", "TXT",
                                               "NS", "SRV",  "PTR",   "SOA"};
};

/// A protocol fleetcheck cannot check yet (a Gatus endpoint such as udp:// or ssh://). Such
/// a target is still a row of the report, an error saying so, found without any I/O: one
/// endpoint that cannot be checked must not stop the others from being checked.
struct unsupported_spec {
  std::string scheme;  ///< "udp", "dns", ...: the protocol `validate` shows
  endpoint at;         ///< as far as the URL gives it; nothing connects to it
  std::string why;     ///< the row's error: "udp:// checks are not supported yet"
};

/// What kind of check a target is, with what only that protocol needs. Adding a protocol adds an
/// alternative here (see docs/adding-a-protocol.md).
using protocol_spec =
    std::variant<http_spec, tcp_spec, grpc_spec, tls_spec, icmp_spec, dns_spec, unsupported_spec>;

/// One thing to check, validated: every field is usable as it is. Built by the config loader.
struct target {
  std::string name;
  std::string origin;  ///< where it was defined, for messages: "fleet.yaml:12", "argument 3"
  std::string url;     ///< as shown in reports (never contains credentials)
  std::string group;   ///< optional grouping for reports and selection
  protocol_spec spec;
  check_settings settings;
  /// How often a scheduler should check it (Gatus's `interval`); unset when the source does not
  /// say. A one-shot `check` does not use it.
  std::optional<duration> interval;

  const endpoint& at() const {
    return std::visit([](const auto& s) -> const endpoint& { return s.at; }, spec);
  }
  /// Whether the connection is TLS (its settings are `settings.tls`).
  bool uses_tls() const {
    if (const auto* http = std::get_if<http_spec>(&spec)) return http->tls;
    if (const auto* grpc = std::get_if<grpc_spec>(&spec)) return grpc->tls;
    return std::holds_alternative<tls_spec>(spec);
  }
  /// Whether its checks can go over a connection kept from the last one (serve's
  /// reuse_connection): HTTP and gRPC. A TCP or TLS check's connection is what it checks.
  bool can_keep_connection() const {
    return std::holds_alternative<http_spec>(spec) || std::holds_alternative<grpc_spec>(spec);
  }
};

}  // namespace fleetcheck::core
