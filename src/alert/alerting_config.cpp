#include "fleetcheck/alert/alerting_config.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>

#include "alert/alerting_reader.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/secrets.hpp"

namespace fleetcheck::alert {

using config::child;

std::string_view to_string(alert_format f) {
  switch (f) {
    case alert_format::webhook:
      return "webhook";
    case alert_format::slack:
      return "slack";
    case alert_format::alertmanager:
      return "alertmanager";
  }
  return "webhook";
}

namespace {

using config::yaml_reader;

constexpr std::string_view channel_keys[] = {
    "name",         "type",       "url",     "on",      "send_on_resolved",
    "group_wait",   "rate_limit", "timeout", "retries", "retry_backoff",
    "resend_every", "targets",    "groups",  "headers"};
constexpr std::string_view window_keys[] = {"enabled", "start",   "duration", "timezone",
                                            "every",   "targets", "groups"};

std::vector<std::string> string_list(const yaml_reader& r, const YAML::Node& node,
                                     std::string_view context, std::string_view key) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(r.scalar(node, context, key));
  } else if (node.IsSequence()) {
    for (const auto& item : node) out.push_back(r.scalar(item, context, key));
  } else {
    r.fail(node, context, fmt::format("'{}' must be a name or a list of names", key));
  }
  return out;
}

selector read_selector(const yaml_reader& r, const YAML::Node& node, std::string_view context) {
  std::vector<std::string> targets, groups;
  if (const auto n = child(node, "targets")) targets = string_list(r, n, context, "targets");
  if (const auto n = child(node, "groups")) groups = string_list(r, n, context, "groups");
  return r.take(selector::make(std::move(targets), std::move(groups)), node, context, "");
}

/// "10/min", "1/s", "100/hour", "5/30s".
core::expected<rate_limit> rate_from(std::string_view text) {
  const auto slash = text.find('/');
  const auto bad = [&] {
    return core::unexpected{fmt::format(
        "'{}' is not a rate like 10/min (messages per s, min, hour or a duration)", text)};
  };
  if (slash == std::string_view::npos) return bad();
  rate_limit out;
  const auto count = text.substr(0, slash);
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), out.messages);
  if (ec != std::errc{} || end != count.data() + count.size() || out.messages == 0 ||
      out.messages > 1'000'000) {
    return bad();
  }
  const auto unit = text.substr(slash + 1);
  if (unit == "s" || unit == "sec" || unit == "second") {
    out.per = std::chrono::seconds(1);
  } else if (unit == "m" || unit == "min" || unit == "minute") {
    out.per = std::chrono::minutes(1);
  } else if (unit == "h" || unit == "hour") {
    out.per = std::chrono::hours(1);
  } else if (auto d = core::duration_from(unit); d && d->count() > 0) {
    out.per = *d;
  } else {
    return bad();
  }
  return out;
}

/// The URL as logs may show it: no credentials, no query, and no path for formats whose path is a
/// token (Slack's /services/T.../B.../secret, and most chat webhooks).
std::string display_url_of(std::string_view text, alert_format format) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return "****";
  boost::urls::url shown(*parsed);
  shown.remove_userinfo();
  shown.remove_fragment();
  if (shown.has_query()) shown.set_encoded_query("****");
  if (format != alert_format::alertmanager && !shown.encoded_path().empty() &&
      shown.encoded_path() != "/") {
    shown.set_encoded_path("/****");
  }
  return std::string(shown.buffer());
}

alert_channel read_channel(const yaml_reader& r, const YAML::Node& node, std::size_t index,
                           std::vector<std::string>& secrets) {
  std::string context = fmt::format("alerting[{}]", index);
  if (!node.IsMap()) r.fail(node, context, "expected a mapping with 'name', 'type' and 'url'");
  r.check_keys(node, channel_keys, context);
  alert_channel c;
  c.origin = r.where(node);
  const auto name = child(node, "name");
  if (!name) r.fail(node, context, "missing 'name'");
  c.name = r.scalar(name, context, "name");
  if (c.name.empty()) r.fail(name, context, "'name' must not be empty");
  context = fmt::format("alert '{}'", c.name);

  const auto type = child(node, "type");
  if (!type) r.fail(node, context, "missing 'type' (slack, webhook or alertmanager)");
  const auto type_name = r.scalar(type, context, "type");
  if (type_name == "slack") {
    c.format = alert_format::slack;
  } else if (type_name == "webhook" || type_name == "custom") {
    c.format = alert_format::webhook;
  } else if (type_name == "alertmanager") {
    c.format = alert_format::alertmanager;
  } else {
    r.fail(type, context,
           fmt::format("'type' must be slack, webhook or alertmanager, not '{}'", type_name));
  }

  const auto url_node = child(node, "url");
  if (!url_node) r.fail(node, context, "missing 'url'");
  const auto url = r.scalar(url_node, context, "url");
  auto target = r.take(config::target_from_url(url, {}), url_node, context, "url");
  if (!std::holds_alternative<core::http_spec>(target.spec)) {
    r.fail(url_node, context, "'url' must be http:// or https://");
  }
  c.endpoint = std::get<core::http_spec>(target.spec);
  c.headers = target.settings.http.request.headers;  // basic auth from the URL's credentials
  for (auto& s : target.settings.secrets) core::add_secret(secrets, std::move(s));
  c.display_url = display_url_of(url, c.format);

  if (const auto n = child(node, "headers")) {
    if (!n.IsMap()) r.fail(n, context, "'headers' must be a mapping of names to values");
    for (const auto& entry : n) {
      auto header = r.scalar(entry.first, context, "headers");
      auto value = r.scalar(entry.second, context, header);
      if (core::is_secret_name(header)) core::add_secret(secrets, value);
      c.headers.emplace_back(std::move(header), std::move(value));
    }
  }
  if (const auto n = child(node, "on")) {
    c.on.clear();
    for (const auto& state : string_list(r, n, context, "on")) {
      const auto s = health::state_from_string(state);
      if (s != health::state::unhealthy && s != health::state::degraded) {
        r.fail(n, context, fmt::format("'on' takes unhealthy and degraded, not '{}'", state));
      }
      if (std::find(c.on.begin(), c.on.end(), s) == c.on.end()) c.on.push_back(s);
    }
    if (c.on.empty()) r.fail(n, context, "'on' must name at least one state");
  }
  if (const auto n = child(node, "send_on_resolved")) {
    c.send_on_resolved = r.boolean(n, context, "send_on_resolved");
  }
  if (const auto n = child(node, "group_wait")) {
    // 0s is allowed here: every transition is its own message.
    c.group_wait =
        r.take(core::duration_from(r.scalar(n, context, "group_wait")), n, context, "group_wait");
    if (c.group_wait.count() < 0) r.fail(n, context, "'group_wait' must not be negative");
  }
  if (const auto n = child(node, "rate_limit")) {
    c.limit = r.take(rate_from(r.scalar(n, context, "rate_limit")), n, context, "rate_limit");
  }
  if (const auto n = child(node, "timeout")) c.timeout = r.duration(n, context, "timeout");
  if (const auto n = child(node, "retries")) {
    c.retries = static_cast<int>(r.number(n, context, "retries", 0, 20));
  }
  if (const auto n = child(node, "retry_backoff")) {
    c.retry_backoff = r.duration(n, context, "retry_backoff");
  }
  if (const auto n = child(node, "resend_every")) {
    if (c.format != alert_format::alertmanager) {
      r.fail(n, context, "'resend_every' applies to type alertmanager only");
    }
    c.resend_every = r.duration(n, context, "resend_every");
  }
  c.applies_to = read_selector(r, node, context);
  return c;
}

maintenance_window read_window(const yaml_reader& r, const YAML::Node& node,
                               std::string_view context) {
  if (!node.IsMap()) r.fail(node, context, "expected a mapping with 'start' and 'duration'");
  r.check_keys(node, window_keys, context);
  maintenance_window w;
  w.origin = r.where(node);
  const auto start = child(node, "start");
  if (!start) r.fail(node, context, "missing 'start' (hh:mm, e.g. 23:00)");
  const auto hhmm = r.scalar(start, context, "start");
  int h = 0, m = 0;
  const bool shaped = hhmm.size() == 5 && hhmm[2] == ':' &&
                      std::from_chars(hhmm.data(), hhmm.data() + 2, h).ptr == hhmm.data() + 2 &&
                      std::from_chars(hhmm.data() + 3, hhmm.data() + 5, m).ptr == hhmm.data() + 5;
  if (!shaped || h < 0 || h > 23 || m < 0 || m > 59) {
    r.fail(start, context,
           fmt::format("'start' must be hh:mm from 00:00 to 23:59 (e.g. 23:00), not '{}'", hhmm));
  }
  w.start = std::chrono::hours(h) + std::chrono::minutes(m);
  const auto length = child(node, "duration");
  if (!length) r.fail(node, context, "missing 'duration' (e.g. 1h)");
  w.duration = r.duration(length, context, "duration");
  if (w.duration > std::chrono::hours(24)) {
    r.fail(length, context, "'duration' must be at most 24h");
  }
  if (const auto n = child(node, "timezone")) {
    w.timezone = r.scalar(n, context, "timezone");
    w.zone = std::make_shared<const time_zone>(
        r.take(time_zone::load(w.timezone), n, context, "timezone"));
  }
  if (const auto n = child(node, "every")) {
    for (const auto& day : string_list(r, n, context, "every")) {
      const int d = weekday_from_name(day);
      if (d < 0) {
        r.fail(n, context,
               fmt::format("'every' takes day names (Monday ... Sunday), not '{}'", day));
      }
      w.days = static_cast<std::uint8_t>(w.days | (1u << d));
    }
  }
  w.applies_to = read_selector(r, node, context);
  return w;
}

}  // namespace

alerting_config read_alerting(const yaml_reader& r, const YAML::Node& root) {
  alerting_config out;
  if (const auto list = child(root, "alerting")) {
    if (!list.IsSequence()) r.fail(list, "alerting", "expected a list of alert channels");
    std::size_t index = 0;
    for (const auto& node : list) {
      auto channel = read_channel(r, node, index++, out.secrets);
      for (const auto& other : out.channels) {
        if (other.name == channel.name) {
          r.fail(node, fmt::format("alert '{}'", channel.name),
                 fmt::format("the name is already used at {}", other.origin));
        }
      }
      out.channels.push_back(std::move(channel));
    }
  }
  if (const auto n = child(root, "maintenance")) {
    // One mapping (Gatus's global window) or a list of them.
    if (n.IsMap()) {
      const auto enabled = child(n, "enabled");
      if (!enabled || r.boolean(enabled, "maintenance", "enabled")) {
        out.maintenance.push_back(read_window(r, n, "maintenance"));
      }
    } else if (n.IsSequence()) {
      std::size_t index = 0;
      for (const auto& node : n) {
        const auto context = fmt::format("maintenance[{}]", index++);
        const auto enabled = node.IsMap() ? child(node, "enabled") : YAML::Node();
        if (enabled && !r.boolean(enabled, context, "enabled")) continue;
        out.maintenance.push_back(read_window(r, node, context));
      }
    } else {
      r.fail(n, "maintenance", "expected a mapping or a list of mappings");
    }
  }
  for (auto& s : r.take_env_secrets()) core::add_secret(out.secrets, std::move(s));
  return out;
}

alerting_config parse_alerting(std::string_view yaml, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw core::config_error(
        fmt::format("{}:{}: invalid YAML: {}", source, e.mark.line + 1, e.msg));
  }
  const yaml_reader r(source);
  if (!root.IsMap() && !root.IsNull()) {
    r.fail(root, "", "expected a mapping at the top level");
  }
  return read_alerting(r, root);
}

alerting_config load_alerting_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw core::config_error(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_alerting(text.str(), path);
}

}  // namespace fleetcheck::alert
