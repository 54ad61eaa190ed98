#include "fleetcheck/alert/message.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/report/text.hpp"
#include "fleetcheck/report/timestamps.hpp"

namespace fleetcheck::alert {

using health::state;
using json = nlohmann::ordered_json;

std::vector<alert_event> events_for(const alert_channel& channel, const health::transition& t) {
  const auto fires = [&](state s) {
    return std::find(channel.on.begin(), channel.on.end(), s) != channel.on.end();
  };
  std::vector<alert_event> out;
  if (t.from == t.to) return out;
  if (fires(t.from) && channel.send_on_resolved) {
    out.push_back({alert_event::kind::resolved, t.from, t, t.at});
  }
  if (fires(t.to)) out.push_back({alert_event::kind::firing, t.to, t, t.at});
  return out;
}

namespace {

std::string_view status_of(const alert_event& e) {
  return e.what == alert_event::kind::firing ? "firing" : "resolved";
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string generic_body(std::string_view channel, std::span<const alert_event> events,
                         std::string_view generator_url) {
  using report::valid_utf8;
  const bool any_firing = std::any_of(events.begin(), events.end(), [](const alert_event& e) {
    return e.what == alert_event::kind::firing;
  });
  json body;
  body["source"] = "fleetcheck";
  body["alert"] = valid_utf8(channel);
  body["status"] = any_firing ? "firing" : "resolved";
  if (!generator_url.empty()) body["url"] = valid_utf8(generator_url);
  auto& list = body["events"] = json::array();
  for (const auto& e : events) {
    list.push_back({{"status", status_of(e)},
                    {"state", health::to_string(e.state)},
                    {"target", valid_utf8(e.cause.target)},
                    {"group", valid_utf8(e.cause.group)},
                    {"from", health::to_string(e.cause.from)},
                    {"to", health::to_string(e.cause.to)},
                    {"at", report::iso8601_utc_ms(e.cause.at)},
                    {"since", report::iso8601_utc_ms(e.started_at)},
                    {"reason", valid_utf8(e.cause.reason)}});
  }
  return dump(body);
}

/// Slack's mrkdwn: &, < and > must be entities, or a name like <!channel> would ping everyone.
std::string slack_escape(std::string_view text) {
  std::string out;
  for (const char c : report::valid_utf8(text)) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string slack_line(const alert_event& e) {
  const auto& t = e.cause;
  const auto who = t.group.empty()
                       ? fmt::format("*{}*", slack_escape(t.target))
                       : fmt::format("*{}* ({})", slack_escape(t.target), slack_escape(t.group));
  if (e.what == alert_event::kind::resolved) {
    return fmt::format(":large_green_circle: {} is no longer {} (now {}): {}", who,
                       health::to_string(e.state), health::to_string(t.to), slack_escape(t.reason));
  }
  const auto* icon = e.state == state::unhealthy ? ":red_circle:" : ":large_yellow_circle:";
  return fmt::format("{} {} is {}: {}", icon, who, health::to_string(e.state),
                     slack_escape(t.reason));
}

std::string slack_body(std::span<const alert_event> events) {
  std::string text;
  if (events.size() > 1) {
    const auto firing = std::count_if(events.begin(), events.end(), [](const alert_event& e) {
      return e.what == alert_event::kind::firing;
    });
    text = fmt::format("fleetcheck: {} firing, {} resolved", firing,
                       static_cast<long>(events.size()) - firing);
  }
  const auto shown = std::min(events.size(), slack_max_lines);
  for (std::size_t i = 0; i < shown; ++i) {
    if (!text.empty()) text += '\n';
    text += slack_line(events[i]);
  }
  if (shown < events.size()) text += fmt::format("\n… and {} more", events.size() - shown);
  return dump(json{{"text", text}});
}

std::string alertname_of(state s) {
  return s == state::degraded ? "FleetcheckTargetDegraded" : "FleetcheckTargetUnhealthy";
}

std::string alertmanager_body(std::span<const alert_event> events, std::string_view generator_url) {
  using report::valid_utf8;
  auto alerts = json::array();
  for (const auto& e : events) {
    // The labels are the alert's identity: a resolved carries exactly the firing's labels.
    json labels{{"alertname", alertname_of(e.state)}, {"target", valid_utf8(e.cause.target)}};
    if (!e.cause.group.empty()) labels["group"] = valid_utf8(e.cause.group);
    json alert{{"labels", std::move(labels)},
               {"annotations",
                {{"summary",
                  fmt::format("{} is {}", valid_utf8(e.cause.target), health::to_string(e.state))},
                 {"description", valid_utf8(e.cause.reason)}}},
               {"startsAt", report::iso8601_utc_ms(std::min(e.started_at, e.cause.at))}};
    if (e.what == alert_event::kind::resolved) {
      alert["endsAt"] = report::iso8601_utc_ms(e.cause.at);
    }
    if (!generator_url.empty()) alert["generatorURL"] = valid_utf8(generator_url);
    alerts.push_back(std::move(alert));
  }
  return dump(alerts);
}

}  // namespace

std::string render_body(alert_format format, std::string_view channel,
                        std::span<const alert_event> events, std::string_view generator_url) {
  switch (format) {
    case alert_format::slack:
      return slack_body(events);
    case alert_format::alertmanager:
      return alertmanager_body(events, generator_url);
    case alert_format::webhook:
      break;
  }
  return generic_body(channel, events, generator_url);
}

}  // namespace fleetcheck::alert
