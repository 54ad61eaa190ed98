#include <fmt/format.h>

#include "fleetcheck/report/text.hpp"
#include "fleetcheck/report/timestamps.hpp"
#include "serve/page/render.hpp"
#include "serve/page/render_parts.hpp"

namespace fleetcheck::serve::page {
namespace {

void str(std::string& out, std::string_view s) {
  report::append_json_string(out, s);
}

void share(std::string& out, std::optional<double> v) {
  out += v ? fmt::format("{:.6f}", *v) : "null";
}

void counts(std::string& out, const state_counts& c) {
  out +=
      fmt::format("{{\"total\":{},\"healthy\":{},\"degraded\":{},\"unhealthy\":{},\"unknown\":{}}}",
                  c.total, c.healthy, c.degraded, c.unhealthy, c.unknown);
}

}  // namespace

std::string status_json(const page_view& v) {
  std::string out = "{\"summary\":";
  counts(out, v.counts);
  out += fmt::format(
      ",\"matching\":{},\"page\":{},\"pages\":{},\"per_page\":{},\"groups_total\":{},"
      "\"groups\":[",
      v.matching, v.query.page, v.pages, v.query.per_page, v.groups_total);
  for (std::size_t i = 0; i < v.groups.size(); ++i) {
    const auto& g = v.groups[i];
    out += i == 0 ? "\n{\"name\":" : ",\n{\"name\":";
    str(out, g.name);
    out += ",\"state\":";
    str(out, health::to_string(g.state));
    out += ",\"counts\":";
    counts(out, g.counts);
    out += "}";
  }
  out += "],\"rows\":[";
  for (std::size_t i = 0; i < v.rows.size(); ++i) {
    const auto& r = v.rows[i];
    out += i == 0 ? "\n{\"name\":" : ",\n{\"name\":";
    str(out, r.target->name);
    out += ",\"group\":";
    str(out, r.target->group);
    out += ",\"state\":";
    str(out, health::to_string(r.status.state));
    out += ",\"since\":";
    if (r.status.state == health::state::unknown)
      out += "null";
    else
      str(out, report::iso8601_utc_ms(r.status.since));
    out += ",\"error\":";
    str(out, last_error(r.status));
    out += fmt::format(",\"silenced\":{},\"maintenance\":{}", !r.alerts.silenced_by.empty(),
                       r.alerts.maintenance);
    out += ",\"uptime_24h\":";
    share(out, r.uptime_24h);
    out += ",\"uptime_7d\":";
    share(out, r.uptime_7d);
    out += ",\"latency_ms\":[";
    for (std::size_t k = 0; k < r.latency_ms.size(); ++k)
      out += fmt::format("{}{:.3f}", k == 0 ? "" : ",", r.latency_ms[k]);
    out += "]}";
  }
  out += "\n]}\n";
  return out;
}

}  // namespace fleetcheck::serve::page
