#include <algorithm>

#include <fmt/format.h>

#include "fleetcheck/report/timestamps.hpp"
#include "fleetcheck/serve/schedule.hpp"
#include "serve/page/html.hpp"
#include "serve/page/render.hpp"
#include "serve/page/render_parts.hpp"
#include "serve/page/uptime.hpp"

namespace fleetcheck::serve::page {
namespace {

constexpr int chart_width = 800, chart_height = 160, chart_columns = 200;

/// Response time of each check over the window (at most chart_columns columns: the slowest check
/// of each), with every failed check marked red under the axis.
std::string history_chart(const std::vector<result_record>& results,
                          health::wall_clock::time_point from, health::wall_clock::time_point now) {
  if (results.empty()) return "<p>No check stored in the last 24 hours.</p>\n";
  struct column {
    double ms = -1;
    bool failed = false;
  };
  std::vector<column> columns(chart_columns);
  const auto span = std::max<double>(1, static_cast<double>((now - from).count()));
  double top = 1;
  for (const auto& r : results) {
    const auto at = static_cast<double>((r.at - from).count()) / span;
    auto& c = columns[std::clamp(static_cast<int>(at * chart_columns), 0, chart_columns - 1)];
    const double ms = r.result.duration_seconds * 1000.0;
    c.ms = std::max(c.ms, ms);
    c.failed = c.failed || r.result.outcome != core::outcome::healthy;
    top = std::max(top, ms);
  }
  const double step = static_cast<double>(chart_width) / chart_columns;
  std::string line, marks;
  for (int i = 0; i < chart_columns; ++i) {
    const auto& c = columns[i];
    if (c.ms < 0) continue;
    line += fmt::format("{:.1f},{:.1f} ", (i + 0.5) * step,
                        chart_height - 12 - (c.ms / top) * (chart_height - 24));
    marks += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"8\" class=\"{}\"/>",
                         i * step, chart_height - 8, step, c.failed ? "fail" : "pass");
  }
  return fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {0} {1}\" preserveAspectRatio=\"none\" role=\"img\" "
      "aria-label=\"response time over 24 hours, at most {2:.0f} ms\">"
      "<text x=\"4\" y=\"12\" class=\"axis\">{2:.0f} ms</text>"
      "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"{3}\"/>{4}"
      "</svg>\n<p class=\"legend\">{5} checks since {6} (24 h at most); under the axis: green "
      "passed, red failed</p>\n",
      chart_width, chart_height, top, line, marks, results.size(), report::iso8601_utc_ms(from));
}

}  // namespace

std::string target_html(daemon& d, const generation& g, std::size_t index) {
  const auto& t = g.fleet->targets()[index];
  const auto s = g.fleet->status(index);
  const auto now = health::wall_clock::now();
  const auto day = now - std::chrono::hours(24);
  const auto week = now - std::chrono::hours(24 * 7);
  std::vector<result_record> results;
  std::vector<health::transition> changes;
  if (auto* store = d.store()) {
    // Results are read oldest first up to the limit: a target checked every second would fill
    // it before today ends, so the window shrinks to about 15,000 intervals.
    const auto window = std::min<health::wall_clock::duration>(
        std::chrono::hours(24),
        std::chrono::duration_cast<health::wall_clock::duration>(interval_of(t) * 15000));
    results = store->results(t.name, now - window, 20000);
    changes = store->transitions(t.name, week, 10000);
  }
  const auto state = health::to_string(s.state);
  std::string out;
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      html_escape(t.name) + " – fleetcheck</title>\n<style>";
  out += page_css;
  out += "</style></head>\n<body>\n<header><p><a href=\"/\">← all targets</a></p><h1>" +
         html_escape(t.name) + "</h1></header>\n<main>\n<dl class=\"facts\">";
  const auto fact = [&](std::string_view name, const std::string& html) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>", name, html);
  };
  fact("State",
       fmt::format("<span class=\"badge st-{0}\">{0}</span>", state) + alerts_held_html(d.held(t)));
  if (const auto hold = d.held(t); !hold.silenced_by.empty()) {
    fact("Alerts", "silenced by " + html_escape(hold.silenced_by));
  } else if (hold.maintenance) {
    fact("Alerts", "held: maintenance window");
  }
  if (s.state != health::state::unknown) fact("Since", report::iso8601_utc_ms(s.since));
  fact("Group", html_escape(t.group));
  fact("URL", html_escape(t.url));
  fact("Uptime 24h", percent(uptime(changes, s.state, day, now)));
  fact("Uptime 7d", percent(uptime(changes, s.state, week, now)));
  if (s.last) {
    fact("Last check", report::iso8601_utc_ms(s.last_at) +
                           fmt::format(", {:.1f} ms", s.last->duration_seconds * 1000.0));
    fact("Last error", html_escape(last_error(s)));
    if (s.last->cert_expires_at) {
      const auto expires =
          health::wall_clock::time_point(std::chrono::seconds(*s.last->cert_expires_at));
      const auto days = std::chrono::duration_cast<std::chrono::hours>(expires - now).count() / 24;
      fact("Certificate expires",
           fmt::format("{} (in {} days)", report::iso8601_utc_ms(expires), days));
    } else {
      fact("Certificate expires", "no certificate (not a TLS check)");
    }
  }
  // The chart spans the checks stored (a day at most), not an empty day for a new target.
  const auto chart_from = results.empty() ? day : std::max(day, results.front().at);
  out += "</dl>\n<section><h2>Response time</h2>\n" + history_chart(results, chart_from, now);
  out += "</section>\n<section><h2>Transitions (7 days)</h2>\n";
  if (changes.empty())
    out += "<p>No change of state in the last 7 days.</p>\n";
  else
    out +=
        "<table class=\"transitions\"><thead><tr><th>At</th><th>From</th><th>To</th>"
        "<th>Reason</th></tr></thead><tbody>\n";
  // Newest first, the last 100.
  const auto shown = std::min<std::size_t>(changes.size(), 100);
  for (std::size_t k = 0; k < shown; ++k) {
    const auto& c = changes[changes.size() - 1 - k];
    out += fmt::format(
        "<tr><td>{0}</td><td><span class=\"badge st-{1}\">{1}</span></td><td><span "
        "class=\"badge st-{2}\">{2}</span></td><td class=\"error\">{3}</td></tr>\n",
        report::iso8601_utc_ms(c.at), health::to_string(c.from), health::to_string(c.to),
        html_escape(c.reason));
  }
  if (!changes.empty()) out += "</tbody></table>\n";
  out += "</section>\n<p>Badge: <img alt=\"badge\" src=\"/badge/" +
         html_escape(url_encode(t.name)) + ".svg\"></p>\n</main>\n</body></html>\n";
  return out;
}

}  // namespace fleetcheck::serve::page
