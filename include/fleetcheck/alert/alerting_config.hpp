#pragma once
// What `alerting:` and `maintenance:` in a fleet file say: where alerts go, in which format, for
// which targets and states, and when targets are under maintenance.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fleetcheck/alert/maintenance.hpp"
#include "fleetcheck/alert/selector.hpp"
#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/target.hpp"
#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::alert {

/// The body a channel's POST carries.
enum class alert_format : std::uint8_t {
  webhook,       ///< fleetcheck's own JSON (docs/alerts.md)
  slack,         ///< Slack incoming webhooks (and Mattermost, Rocket.Chat): {"text": ...}
  alertmanager,  ///< Alertmanager's POST /api/v2/alerts: a JSON array of alerts
};
/// "webhook", "slack", "alertmanager".
std::string_view to_string(alert_format f);

/// At most `messages` POSTs (retries not counted) per `per`.
struct rate_limit {
  std::size_t messages = 30;
  core::duration per = std::chrono::minutes(1);
};

/// One entry of `alerting:`: a webhook and what it is told.
struct alert_channel {
  std::string name;
  alert_format format = alert_format::webhook;
  core::http_spec endpoint;  ///< where to POST (http or https)
  /// The URL for logs: credentials, query and (except for alertmanager) the path are "****".
  std::string display_url;
  std::vector<std::pair<std::string, std::string>> headers;  ///< sent with every POST
  std::vector<health::state> on{health::state::unhealthy};   ///< states that fire
  bool send_on_resolved = true;  ///< also say when a target leaves those states
  core::duration group_wait = std::chrono::seconds(5);  ///< transitions within it go together
  rate_limit limit;
  core::duration timeout = std::chrono::seconds(10);       ///< of one POST, connection included
  int retries = 3;                                         ///< extra attempts after a failed POST
  core::duration retry_backoff = std::chrono::seconds(1);  ///< first wait; doubles, at most 1 min
  /// alertmanager: firing alerts are sent again this often, or Alertmanager resolves them by
  /// itself after its resolve_timeout (5 min by default).
  core::duration resend_every = std::chrono::minutes(1);
  selector applies_to;  ///< targets and groups this channel is for; all by default
  std::string origin;   ///< "file:line"
};

struct alerting_config {
  std::vector<alert_channel> channels;
  std::vector<maintenance_window> maintenance;
  /// Values that must never appear in a log line (tokens in URLs and headers, passwords).
  std::vector<std::string> secrets;
};

/// Reads the `alerting:` and `maintenance:` keys of a YAML document (other keys are left to the
/// fleet reader). Throws core::config_error "source:line: context: message" on anything wrong:
/// unknown keys (with a hint), bad URLs, types, states, durations, rates, time zones, days,
/// patterns, duplicate channel names, unset ${VAR}s.
alerting_config parse_alerting(std::string_view yaml, std::string_view source);
/// The same from a file.
alerting_config load_alerting_file(const std::string& path);

}  // namespace fleetcheck::alert
