#include "serve/page/render_parts.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fleetcheck/report/timestamps.hpp"
#include "serve/page/html.hpp"

namespace fleetcheck::serve::page {

std::string percent(std::optional<double> share) {
  if (!share) return "\xE2\x80\x93";  // en dash
  return fmt::format("{:.2f}%", *share * 100.0);
}

std::string sparkline_svg(std::span<const double> ms, int width, int height) {
  if (ms.empty()) return {};
  const double top = std::max(1.0, *std::max_element(ms.begin(), ms.end()));
  const double step =
      ms.size() > 1 ? static_cast<double>(width) / static_cast<double>(ms.size() - 1) : 0;
  std::string points;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    points += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "" : " ", static_cast<double>(i) * step,
                          height - 1 - (ms[i] / top) * (height - 2));
  }
  return fmt::format(
      "<svg class=\"spark\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-label=\"latency, last {2:.0f} ms\"><polyline fill=\"none\" stroke=\"currentColor\" "
      "stroke-width=\"1.5\" points=\"{3}\"/></svg>",
      width, height, ms.back(), points);
}

void counts_line(std::string& out, const state_counts& c) {
  out += fmt::format(
      "<p class=\"counts\" id=\"counts\"><span class=\"st-unhealthy\" data-count=\"unhealthy\">{}"
      "</span> unhealthy · <span class=\"st-degraded\" data-count=\"degraded\">{}</span> degraded"
      " · <span class=\"st-unknown\" data-count=\"unknown\">{}</span> unknown · <span "
      "class=\"st-healthy\" data-count=\"healthy\">{}</span> healthy · <span "
      "data-count=\"total\">{}</span> targets</p>\n",
      c.unhealthy, c.degraded, c.unknown, c.healthy, c.total);
}

std::string last_error(const target_status& s) {
  if (!s.last || s.last->error.empty()) return s.degraded_by;
  return s.last->error;
}

std::string alerts_held_html(const alert_hold& hold) {
  if (!hold.silenced_by.empty()) return " <small class=\"held\">silenced</small>";
  if (hold.maintenance) return " <small class=\"held\">maintenance</small>";
  return {};
}

void target_row(std::string& out, const row& r) {
  const auto& t = *r.target;
  const auto state = health::to_string(r.status.state);
  const auto since = r.status.state == health::state::unknown
                         ? std::string()
                         : report::iso8601_utc_ms(r.status.since);
  out += fmt::format(
      "<tr class=\"st-{0}\"><td class=\"name\"><a href=\"/targets/{1}\">{2}</a>"
      "<small>{3}</small></td><td><span class=\"badge st-{0}\">{0}</span>{9}</td>"
      "<td class=\"up\">{4}</td><td class=\"up\">{5}</td><td class=\"spark\">{6}</td>"
      "<td class=\"error\">{7}</td><td class=\"since\"><time>{8}</time></td></tr>\n",
      state, html_escape(url_encode(t.name)), html_escape(t.name), html_escape(t.group),
      percent(r.uptime_24h), percent(r.uptime_7d), sparkline_svg(r.latency_ms, 90, 20),
      html_escape(last_error(r.status)), since, alerts_held_html(r.alerts));
}

}  // namespace fleetcheck::serve::page
