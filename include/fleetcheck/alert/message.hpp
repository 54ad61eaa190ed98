#pragma once
// What a transition means to an alert channel, and the bodies the three formats POST. Pure.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/alert/alerting_config.hpp"
#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::alert {

/// One thing to tell: a target entered a state that fires, or left one.
struct alert_event {
  enum class kind : std::uint8_t { firing, resolved };
  kind what = kind::firing;
  health::state state = health::state::unhealthy;  ///< the state that fires or was resolved
  health::transition cause;
  /// When the firing began: cause.at for a firing; for a resolved, the firing's time when the
  /// notifier saw it, else cause.at.
  health::wall_clock::time_point started_at;
};

/// The events `t` gives `channel`: entering a state in `on` fires it; leaving one resolves it
/// (when send_on_resolved). unhealthy -> degraded with both in `on` gives both. The channel's
/// target/group selection is applied by the caller.
std::vector<alert_event> events_for(const alert_channel& channel, const health::transition& t);

/// The JSON body of one POST to a channel of `format` named `channel` for `events` (not empty).
/// Strings that are not UTF-8 become U+FFFD; never throws for any bytes. `generator_url` (may be
/// empty) is Alertmanager's generatorURL and the generic body's "url".
std::string render_body(alert_format format, std::string_view channel,
                        std::span<const alert_event> events, std::string_view generator_url);

/// Events listed one per line at most in a Slack message; the rest are counted.
inline constexpr std::size_t slack_max_lines = 50;

}  // namespace fleetcheck::alert
