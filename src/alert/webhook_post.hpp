#pragma once
// Internal: one POST of a JSON body to an alert channel, on the notifier's event loop.

#include <functional>
#include <string>

#include "fleetcheck/alert/alerting_config.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::probe {
class dns_cache;
class tls_contexts;
}  // namespace fleetcheck::probe

namespace fleetcheck::alert {

/// How a POST ended: the response's status, or 0 and why no response came.
struct post_outcome {
  int status = 0;
  std::string error;
  bool delivered() const { return status >= 200 && status < 300; }
};

/// Where a POST's resources come from; all on the calling io_context's thread.
struct post_context {
  probe::dns_cache& dns;
  probe::tls_contexts& tls;
  /// Set while the POST has a connection, to abort it (stop() past its grace); reset after.
  std::function<void()>& abort;
};

/// Resolves, connects (TLS for https), writes `body` with the channel's headers and reads the
/// response's status line and headers, everything bounded by `deadline`. Never throws for what
/// the network or the server does.
net::asio::awaitable<post_outcome> post_json(const alert_channel& channel, const std::string& body,
                                             post_context ctx, net::clock::time_point deadline);

}  // namespace fleetcheck::alert
