#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fleetcheck/conditions/condition.hpp"
#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/status_set.hpp"

namespace fleetcheck::core {

/// The request an HTTP check sends.
struct http_request {
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// How a TLS connection (https://, and TLS under other protocols) verifies the server and, for
/// mTLS, presents itself.
struct tls_settings {
  std::string ca_file;      ///< PEM bundle to trust instead of the system CAs
  std::string server_name;  ///< SNI and the name to verify, instead of the URL's host
  std::string cert_file;    ///< client certificate chain (PEM), for mTLS
  std::string key_file;     ///< client private key (PEM), for mTLS
  bool insecure_skip_verify = false;

  bool operator==(const tls_settings&) const = default;
};

/// What HTTP checks send and accept.
struct http_settings {
  http_request request;
  status_set expect_status;                ///< empty = any 2xx
  std::size_t max_body_bytes = 64 * 1024;  ///< a larger body is an error
  /// Cap on the response's status line and headers. curl allows 100 KiB, Go's net/http 1 MiB;
  /// 64 KiB keeps a healthy nginx with large cookies or CSP headers readable at bounded memory.
  std::size_t max_header_bytes = 64 * 1024;
  int follow_redirects = 0;  ///< 3xx answers followed at most; 0 = a 3xx is the answer
  /// `serve` keeps the connection to the target's URL open between rounds (HTTP/1.1 keep-alive)
  /// and re-opens it when the server closed it meanwhile. Off by default: a fresh connection is
  /// what a client of the service experiences. A one-shot `check` always connects afresh.
  bool reuse_connection = false;
};

/// What a stream check (tcp://) sends once connected, and the text its reply must contain.
struct stream_exchange {
  std::string send;
  std::string expect;
};

/// How `serve` schedules a target and judges its health over many checks; a one-shot `check`
/// ignores them.
struct health_settings {
  /// How often the target is checked; unset = the target's own (a Gatus `interval`) or 30s.
  std::optional<duration> interval;
  /// Each round starts up to this fraction of the interval earlier or later (0.1 for "10%"), so
  /// that targets configured alike do not stay in step.
  double jitter = 0;
  int healthy_threshold = 1;    ///< consecutive passing checks that make a target healthy again
  int unhealthy_threshold = 1;  ///< consecutive failing checks that make it unhealthy
  /// Conditions a passing check must also meet, or the target is `degraded` (slow, certificate
  /// expiring). They read what a result keeps ([STATUS], [RESPONSE_TIME], [CONNECTED],
  /// [CERTIFICATE_EXPIRATION]), never the body.
  std::vector<conditions::condition> degraded_when;
};

/// Every setting of a check that a target can inherit. The built-in defaults, a file's
/// `defaults:`, the command-line flags and a target's own keys are all this one type: inheriting
/// is copying, and each layer overlays the keys it sets. Settings a protocol does not use are
/// ignored by it (a `defaults:` header does not bother a tcp:// target).
struct check_settings {
  duration timeout = std::chrono::seconds(2);
  int retries = 0;  ///< extra attempts after a failure, inside the timeout
  /// When given, they decide health (with expect_status only if that was set explicitly).
  std::vector<conditions::condition> conditions;
  tls_settings tls;
  http_settings http;
  stream_exchange stream;
  /// Values that must never appear in any output (passwords, tokens, secret headers).
  std::vector<std::string> secrets;
  health_settings health;

  /// Whether checks must keep the response body (a condition reads it).
  bool keeps_body() const {
    for (const auto& c : conditions) {
      if (c.needs_body()) return true;
    }
    return false;
  }
};

}  // namespace fleetcheck::core
