#include "serve/api.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <sstream>
#include <tuple>

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include "fleetcheck/alert/silences.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/report/prometheus.hpp"
#include "fleetcheck/report/report.hpp"
#include "fleetcheck/report/text.hpp"
#include "fleetcheck/report/timestamps.hpp"
#include "serve/page/routes.hpp"

namespace fleetcheck::serve {
namespace {

namespace urls = boost::urls;

api_response text(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body)};
}

api_response json_error(int status, std::string_view message) {
  std::string body = "{\"error\":";
  report::append_json_string(body, message);
  body += "}\n";
  return {status, "application/json", std::move(body)};
}

std::string json_quoted(std::string_view s) {
  std::string out;
  report::append_json_string(out, s);
  return out;
}

std::string iso(health::wall_clock::time_point t) {
  return report::iso8601_utc_ms(t);
}

/// Query parameters of the request, decoded.
struct query {
  urls::params_view params;
  std::string get(std::string_view key, std::string fallback = {}) const {
    const auto it = params.find(key);
    if (it == params.end()) return fallback;
    return (*it).value;
  }
  bool has(std::string_view key) const { return params.find(key) != params.end(); }
};

std::size_t whole(const query& q, std::string_view key, std::size_t fallback, std::size_t most) {
  const auto text = q.get(key);
  if (text.empty()) return fallback;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > most) {
    throw core::config_error(
        fmt::format("{}={}: must be a whole number from 0 to {}", key, text, most));
  }
  return value;
}

core::duration duration_param(const query& q, std::string_view key, core::duration fallback) {
  const auto text = q.get(key);
  if (text.empty()) return fallback;
  auto d = core::duration_from(text);
  if (!d) throw core::config_error(fmt::format("{}={}: {}", key, text, d.error()));
  return *d;
}

std::string counts_json(const state_counts& c) {
  return fmt::format(
      "{{\"total\":{},\"healthy\":{},\"degraded\":{},\"unhealthy\":{},\"unknown\":{}}}", c.total,
      c.healthy, c.degraded, c.unhealthy, c.unknown);
}

std::string target_json(const core::target& t, const target_status& s, const alert_hold& hold) {
  std::string out = "{\"name\":" + json_quoted(t.name) + ",\"group\":" + json_quoted(t.group) +
                    ",\"url\":" + json_quoted(t.url) +
                    ",\"state\":" + json_quoted(health::to_string(s.state));
  out += ",\"since\":" + (s.state == health::state::unknown ? "null" : json_quoted(iso(s.since)));
  out += fmt::format(",\"interval_seconds\":{}", core::to_seconds(interval_of(t)));
  out += fmt::format(",\"checks\":{}", s.checks);
  if (!s.degraded_by.empty()) out += ",\"degraded_by\":" + json_quoted(s.degraded_by);
  // Alerts held back: shown so that nobody wonders why an unhealthy target paged no one.
  out += fmt::format(",\"silenced\":{},\"maintenance\":{}", !hold.silenced_by.empty(),
                     hold.maintenance);
  if (!hold.silenced_by.empty()) out += ",\"silenced_by\":" + json_quoted(hold.silenced_by);
  if (s.last) {
    out += ",\"last_check_at\":" + json_quoted(iso(s.last_at));
    out += ",\"last\":" + report::result_json(t, *s.last);
  } else {
    out += ",\"last_check_at\":null,\"last\":null";
  }
  return out + "}";
}

api_response targets_list(daemon& d, const query& q) {
  const auto g = d.current();
  const auto group = q.get("group");
  const auto state_name = q.get("state");
  const name_filter by_name(q.get("q"));
  if (!state_name.empty() && health::state_from_string(state_name) == health::state::unknown &&
      state_name != "unknown") {
    return json_error(400, "state must be healthy, degraded, unhealthy or unknown");
  }
  const auto limit = whole(q, "limit", 100, 1000);
  // The cursor is the index of the next target, opaque to callers: stable while the
  // configuration is (targets keep their order), and cheap to resume from at 50,000 targets.
  const auto offset =
      q.has("cursor") ? whole(q, "cursor", 0, SIZE_MAX) : whole(q, "offset", 0, SIZE_MAX);
  const auto targets = g->fleet->targets();
  const auto all = g->fleet->snapshot();
  state_counts summary;
  std::string rows;
  std::size_t matching = 0, shown = 0, next = targets.size();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& t = targets[i];
    const auto& s = all[i];
    if (!group.empty() && t.group != group) continue;
    if (!state_name.empty() && health::to_string(s.state) != state_name) continue;
    if (!by_name.matches(t.name)) continue;
    ++matching;
    if (i < offset) continue;
    if (shown == limit) {
      if (next == targets.size()) next = i;
      continue;
    }
    rows += (shown == 0 ? "\n" : ",\n") + target_json(t, s, d.held(t));
    ++shown;
  }
  summary = g->fleet->counts();
  std::string body = "{\"summary\":" + counts_json(summary);
  body += fmt::format(
      ",\"matching\":{},\"offset\":{},\"limit\":{},\"next_cursor\":{}", matching, offset, limit,
      next == targets.size() ? std::string("null") : json_quoted(std::to_string(next)));
  body += ",\"targets\":[" + rows + "\n]}\n";
  return {200, "application/json", std::move(body)};
}

api_response one_target(daemon& d, const std::string& name, bool history, const query& q) {
  const auto g = d.current();
  const auto index = g->fleet->find(name);
  if (!index) return json_error(404, fmt::format("no target named '{}'", name));
  const auto& t = g->fleet->targets()[*index];
  if (!history) {
    return {200, "application/json", target_json(t, g->fleet->status(*index), d.held(t)) + "\n"};
  }
  auto* store = d.store();
  if (store == nullptr) return json_error(404, "no history is kept (--data-dir '')");
  const auto since = health::wall_clock::now() - duration_param(q, "since", std::chrono::hours(1));
  const auto limit = whole(q, "limit", 1000, 100000);
  std::string body = "{\"target\":" + json_quoted(t.name) +
                     ",\"since\":" + json_quoted(iso(since)) + ",\"transitions\":[";
  bool first = true;
  for (const auto& tr : store->transitions(t.name, since, limit)) {
    body += (first ? "\n" : ",\n") +
            fmt::format("{{\"at\":{},\"from\":{},\"to\":{},\"reason\":{}}}",
                        json_quoted(iso(tr.at)), json_quoted(health::to_string(tr.from)),
                        json_quoted(health::to_string(tr.to)), json_quoted(tr.reason));
    first = false;
  }
  body += "\n],\"results\":[";
  first = true;
  for (const auto& r : store->results(t.name, since, limit)) {
    body +=
        (first ? "\n" : ",\n") + fmt::format("{{\"at\":{},\"result\":{}}}", json_quoted(iso(r.at)),
                                             report::result_json(t, r.result));
    first = false;
  }
  body += "\n]}\n";
  return {200, "application/json", std::move(body)};
}

api_response check_group(daemon& d, const query& q) {
  const auto group = q.get("group");
  const auto deadline = duration_param(q, "deadline", std::chrono::seconds(5));
  if (deadline > std::chrono::minutes(1)) return json_error(400, "deadline: at most 1m");
  const auto max_age = duration_param(q, "max_age", core::duration::zero());
  const auto check = d.check_now(group, deadline, max_age);
  if (!check) return json_error(404, fmt::format("no target is in group '{}'", group));
  std::ostringstream out;
  report::render_json(
      out, report::fleet_view{check->targets, check->report.results, check->report.summary});
  return {report::exit_code(check->report.results) == 0 ? 200 : 503, "application/json", out.str()};
}

/// blackbox_exporter's /probe: one check of `target` with the settings of `module` (the name of a
/// target of the configuration, or blackbox's http_2xx / tcp_connect for the defaults), its
/// timeout bounded by the scrape's (less half a second, as blackbox does).
api_response probe(daemon& d, const query& q, const std::string& scrape_timeout) {
  const auto url = q.get("target");
  if (url.empty()) return text(400, "target parameter is missing\n");
  const auto module = q.get("module", "http_2xx");
  core::check_settings settings;
  const auto g = d.current();
  if (module != "http_2xx" && module != "tcp_connect") {
    const auto index = g->fleet->find(module);
    if (!index) {
      return text(400, fmt::format("unknown module '{}': use http_2xx, tcp_connect or the name of "
                                   "a configured target\n",
                                   module));
    }
    settings = g->fleet->targets()[*index].settings;
  }
  auto t = config::target_from_url(url, settings);
  if (!t) return text(400, fmt::format("target {}: {}\n", url, t.error()));
  t->name = url;
  if (!scrape_timeout.empty()) {
    double seconds = 0;
    const auto [end, ec] = std::from_chars(scrape_timeout.data(),
                                           scrape_timeout.data() + scrape_timeout.size(), seconds);
    if (ec == std::errc{} && seconds > 0) {
      const auto scrape = std::chrono::duration_cast<core::duration>(
          std::chrono::duration<double>(std::max(seconds - 0.5, 0.1)));
      t->settings.timeout = std::min(t->settings.timeout, scrape);
    }
  }
  std::vector<core::target> one{std::move(*t)};
  probe::tls_contexts tls(one);
  engine::run_options run;
  run.deadline = one.front().settings.timeout + std::chrono::milliseconds(50);
  run.concurrency = 1;
  run.start = std::chrono::steady_clock::now();
  engine::fleet_run check(d.pool(), one, tls, std::move(run));
  const auto result = check.wait();
  std::string out;
  report::prometheus_writer writer(out);
  const std::string no_labels;
  const std::string* labels = &no_labels;
  const core::probe_result* only = &result.results.front();
  report::write_probe_families(writer, std::span(&labels, 1), std::span(&only, 1));
  return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(out)};
}

// POST /api/v1/silences, GET /api/v1/silences, DELETE /api/v1/silences/{id} (docs/serve.md).
api_response silences(daemon& d, const api_request& request, std::string_view id) {
  const auto now = health::wall_clock::now();
  auto& all = d.silences();
  if (!id.empty()) {
    if (request.method != "DELETE") return text(405, "method not allowed\n");
    if (!all.expire(id, now)) return json_error(404, fmt::format("no live silence '{}'", id));
    return {200, "application/json", "{\"expired\":" + json_quoted(id) + "}\n"};
  }
  if (request.method == "GET" || request.method == "HEAD") {
    const auto list = all.list(now);
    return {200, "application/json", alert::to_json(list, now) + "\n"};
  }
  if (request.method != "POST") return text(405, "method not allowed\n");
  auto wanted = alert::silence_from_json(request.body, now);
  if (!wanted) return json_error(400, wanted.error());
  auto added = all.add(std::move(*wanted), now);
  if (!added) return json_error(400, added.error());
  return {201, "application/json", alert::to_json(*added, now) + "\n"};
}

/// `state="..."`, built once: it is on one series per target.
std::string_view state_label(health::state s) {
  static const auto labels = [] {
    std::array<std::string, 4> all;
    for (const auto each : {health::state::unknown, health::state::healthy, health::state::degraded,
                            health::state::unhealthy}) {
      all.at(static_cast<std::size_t>(each)) =
          report::prometheus_writer::label("state", health::to_string(each));
    }
    return all;
  }();
  return labels.at(static_cast<std::size_t>(s));
}

api_response metrics(daemon& d) {
  const auto g = d.current();
  const auto all_labels = g->fleet->metric_labels();
  const auto all = g->fleet->snapshot();
  std::vector<const std::string*> labels;
  std::vector<const core::probe_result*> results;
  labels.reserve(all.size());
  results.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!all[i].last) continue;  // no check yet: no series rather than a made-up failure
    labels.push_back(&all_labels[i]);
    results.push_back(all[i].last.get());
  }
  std::string out;
  out.reserve(static_cast<std::size_t>(all.size()) * 1200);  // ~11 series per target
  report::prometheus_writer w(out);
  report::write_probe_families(w, labels, results);

  auto& m = d.metrics();
  w.family("fleetcheck_target_info", "gauge",
           "1 for each target, with its URL (credentials never shown): the other series carry "
           "only target and group.");
  const auto targets = g->fleet->targets();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    w.sample("fleetcheck_target_info", all_labels[i],
             report::prometheus_writer::label("url", targets[i].url), 1);
  }
  w.family("fleetcheck_target_state", "gauge",
           "1 for the state each target is in (healthy, degraded, unhealthy, unknown); one series "
           "per target, its current state.");
  for (std::size_t i = 0; i < all.size(); ++i) {
    w.sample("fleetcheck_target_state", all_labels[i], state_label(all[i].state), 1);
  }
  const auto c = g->fleet->counts();
  w.family("fleetcheck_targets", "gauge", "Targets scheduled by this instance, by state.");
  const std::pair<std::string_view, std::size_t> by_state[] = {{"healthy", c.healthy},
                                                               {"degraded", c.degraded},
                                                               {"unhealthy", c.unhealthy},
                                                               {"unknown", c.unknown}};
  for (const auto& [name, n] : by_state) {
    w.sample("fleetcheck_targets", report::prometheus_writer::label("state", name),
             static_cast<double>(n));
  }
  w.family("fleetcheck_checks_total", "counter", "Scheduled checks finished, by outcome.");
  for (const auto o : {core::outcome::healthy, core::outcome::unhealthy, core::outcome::error,
                       core::outcome::timeout, core::outcome::deadline}) {
    w.sample("fleetcheck_checks_total",
             report::prometheus_writer::label("outcome", core::to_string(o)),
             static_cast<double>(m.checks_by_outcome[static_cast<std::size_t>(o)].load()));
  }
  w.family("fleetcheck_transitions_total", "counter", "Changes of target state, by new state.");
  for (const auto s : {health::state::healthy, health::state::degraded, health::state::unhealthy}) {
    w.sample("fleetcheck_transitions_total",
             report::prometheus_writer::label("to", health::to_string(s)),
             static_cast<double>(m.transitions_to[static_cast<std::size_t>(s)].load()));
  }
  w.family("fleetcheck_schedule_lag_seconds", "histogram",
           "How late scheduled checks started: actual start minus planned start.");
  m.schedule_lag.write(w, "fleetcheck_schedule_lag_seconds");
  w.family("fleetcheck_check_duration_seconds", "histogram", "Duration of scheduled checks.");
  m.check_duration.write(w, "fleetcheck_check_duration_seconds");
  w.family("fleetcheck_reloads_total", "counter", "Configuration reloads that took effect.");
  w.sample("fleetcheck_reloads_total", "", static_cast<double>(m.reloads.load()));
  w.family("fleetcheck_reload_failures_total", "counter",
           "Configuration reloads rejected (the previous configuration kept running).");
  w.sample("fleetcheck_reload_failures_total", "", static_cast<double>(m.failed_reloads.load()));
  w.family("fleetcheck_api_checks_total", "counter",
           "Runs of /api/v1/check, and calls answered by another caller's run or a recent one.");
  w.sample("fleetcheck_api_checks_total", report::prometheus_writer::label("shared", "false"),
           static_cast<double>(m.api_checks.load()));
  w.sample("fleetcheck_api_checks_total", report::prometheus_writer::label("shared", "true"),
           static_cast<double>(m.api_checks_shared.load()));
  w.family("fleetcheck_reused_connections_total", "counter",
           "Scheduled checks whose request went over a connection kept from the target's last "
           "round (reuse_connection).");
  w.sample("fleetcheck_reused_connections_total", "",
           static_cast<double>(m.reused_connections.load()));
  const auto a = d.alert_stats();
  const std::tuple<std::string_view, std::string_view, std::size_t> alerts[] = {
      {"fleetcheck_alerts_sent_total", "Alert messages a receiver accepted (2xx).", a.sent},
      {"fleetcheck_alerts_failed_total",
       "Alert messages given up: retries exhausted, refused, or aborted at stop.", a.failed},
      {"fleetcheck_alerts_retried_total", "Repeated alert POSTs.", a.retried},
      {"fleetcheck_alerts_dropped_total", "Alert events lost to a full queue or batch, or to stop.",
       a.dropped},
      {"fleetcheck_alerts_suppressed_total",
       "Alert events not sent: silenced or under maintenance.", a.suppressed}};
  for (const auto& [name, help, value] : alerts) {
    w.family(name, "counter", help);
    w.sample(name, "", static_cast<double>(value));
  }
  return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(out)};
}

std::string decoded(std::string_view segment) {
  auto pct = urls::make_pct_string_view(segment);
  if (!pct) return std::string(segment);
  return pct->decode();
}

api_response route(daemon& d, logger& log, const api_request& request) {
  auto parsed = urls::parse_origin_form(request.target);
  if (!parsed) return text(400, "bad request target\n");
  const std::string path(parsed->encoded_path());
  const query q{parsed->params()};
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (request.method == "POST" && path == "/-/reload") {
    log.info("reload asked", {{"by", "POST /-/reload"}});
    const auto why = d.reload();
    return why.empty() ? text(200, "reloaded\n") : text(400, why + "\n");
  }
  constexpr std::string_view silences_path = "/api/v1/silences";
  if (path == silences_path) return silences(d, request, {});
  if (path.starts_with(silences_path) && path.size() > silences_path.size() + 1 &&
      path[silences_path.size()] == '/') {
    return silences(d, request, decoded(std::string_view(path).substr(silences_path.size() + 1)));
  }
  if (!get) return text(405, "method not allowed\n");
  if (path == "/healthz") return text(200, "ok\n");
  if (path == "/readyz") return d.ready() ? text(200, "ready\n") : text(503, "not ready\n");
  if (path == "/metrics") return metrics(d);
  if (path == "/probe") return probe(d, q, request.scrape_timeout);
  if (path == "/api/v1/check") return check_group(d, q);
  if (path == "/api/v1/targets") return targets_list(d, q);
  constexpr std::string_view prefix = "/api/v1/targets/";
  if (path.starts_with(prefix) && path.size() > prefix.size()) {
    auto rest = std::string_view(path).substr(prefix.size());
    constexpr std::string_view history = "/history";
    const bool wants_history = rest.ends_with(history);
    if (wants_history) rest.remove_suffix(history.size());
    return one_target(d, decoded(rest), wants_history, q);
  }
  if (auto page = page::answer(d, path, parsed->params())) return std::move(*page);
  return text(404, "not found: see docs/serve.md for the endpoints\n");
}

}  // namespace

api_response answer(daemon& d, logger& log, const api_request& request) {
  try {
    return route(d, log, request);
  } catch (const core::config_error& e) {
    return json_error(400, e.what());
  } catch (const std::exception& e) {
    log.error("internal error answering a request",
              {{"target", report::printable(request.target)}, {"error", e.what()}});
    return text(500, fmt::format("internal error: {}\n", e.what()));
  }
}

}  // namespace fleetcheck::serve
