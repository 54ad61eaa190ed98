#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fleetcheck/conditions/condition.hpp"
#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/status_set.hpp"

namespace fleetcheck::core {

enum class target_kind : std::uint8_t { http, https, tcp };

/// The request one HTTP check sends.
struct http_request {
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// How an HTTPS check verifies the server and, for mTLS, presents itself.
struct tls_settings {
  std::string ca_file;      ///< PEM bundle to trust instead of the system CAs
  std::string server_name;  ///< SNI and the name to verify, instead of the URL's host
  std::string cert_file;    ///< client certificate chain (PEM), for mTLS
  std::string key_file;     ///< client private key (PEM), for mTLS
  bool insecure_skip_verify = false;

  bool operator==(const tls_settings&) const = default;
};

/// What a TCP check sends once connected and expects to read back (both optional).
struct tcp_exchange {
  std::string send;
  std::string expect;
};

/// One thing to check, validated: every field is usable as it is. Built by the config loader.
struct target {
  std::string name;
  std::string origin;  ///< where it was defined, for messages: "fleet.yaml:12", "argument 3"
  std::string url;     ///< as shown in reports (never contains credentials)
  target_kind kind = target_kind::http;
  std::string host;  ///< host name or IP literal, without IPv6 brackets
  std::uint16_t port = 80;
  std::string path = "/";  ///< origin-form request target: path and query
  http_request request;
  duration timeout = std::chrono::seconds(2);
  status_set expect_status;
  std::size_t max_body_bytes = 64 * 1024;
  tls_settings tls;
  tcp_exchange tcp;
  /// When given, they decide health (with expect_status only if that was set explicitly).
  std::vector<conditions::condition> conditions;
  int retries = 0;           ///< extra attempts after a failure, inside the timeout
  int follow_redirects = 0;  ///< 3xx answers followed at most; 0 = a 3xx is the answer
  /// Values that must never appear in any output (passwords, tokens, secret headers).
  std::vector<std::string> secrets;

  /// Whether checks must keep the response body (a condition reads it).
  bool keeps_body() const {
    for (const auto& c : conditions) {
      if (c.needs_body()) return true;
    }
    return false;
  }
};

}  // namespace fleetcheck::core
