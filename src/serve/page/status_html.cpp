#include <fmt/format.h>

#include "fleetcheck/report/timestamps.hpp"
#include "serve/page/html.hpp"
#include "serve/page/render.hpp"
#include "serve/page/render_parts.hpp"

namespace fleetcheck::serve::page {
namespace {

/// A link to this page with the filter kept and `page` set.
std::string page_link(const page_query& q, std::size_t page) {
  std::string link = "/?q=" + url_encode(q.q) + "&group=" + url_encode(q.group) +
                     "&state=" + url_encode(q.state) + "&page=" + std::to_string(page) +
                     "&per_page=" + std::to_string(q.per_page);
  return html_escape(link);
}

void filter_form(std::string& out, const page_view& v) {
  const auto& q = v.query;
  out += "<form class=\"filter\" method=\"get\" action=\"/\" id=\"filter\">\n";
  out += "<input type=\"search\" name=\"q\" placeholder=\"name contains\" value=\"" +
         html_escape(q.q) + "\" aria-label=\"name contains\">\n";
  out += "<select name=\"group\" aria-label=\"group\"><option value=\"\">all groups</option>";
  for (const auto& g : v.groups) {
    out += "<option value=\"" + html_escape(g.name) + "\"" +
           (g.name == q.group ? " selected" : "") + ">" +
           html_escape(g.name.empty() ? "(no group)" : g.name) + "</option>";
  }
  out +=
      "</select>\n<select name=\"state\" aria-label=\"state\"><option value=\"\">any "
      "state</option>";
  for (const auto* s : {"unhealthy", "degraded", "unknown", "healthy"}) {
    out += fmt::format("<option{}>{}</option>", q.state == s ? " selected" : "", s);
  }
  out += "</select>\n<button type=\"submit\">Filter</button></form>\n";
}

void groups_list(std::string& out, const page_view& v) {
  out += "<ul class=\"groups\" id=\"groups\">\n";
  for (const auto& g : v.groups) {
    out += fmt::format(
        "<li class=\"st-{0}\"><a href=\"/?group={1}\">{2}</a> <span class=\"badge st-{0}\">{0}"
        "</span> <span class=\"n\">{3}/{4} up</span></li>\n",
        health::to_string(g.state), html_escape(url_encode(g.name)),
        html_escape(g.name.empty() ? "(no group)" : g.name), g.counts.healthy + g.counts.degraded,
        g.counts.total);
  }
  out += "</ul>\n";
  if (v.groups_total > v.groups.size()) {
    out += fmt::format(
        "<p class=\"more\">{} more groups: filter by group in the URL "
        "(<code>/?group=NAME</code>)</p>\n",
        v.groups_total - v.groups.size());
  }
}

}  // namespace

std::string status_html(const page_view& v) {
  std::string out;
  out.reserve(64 * 1024);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>fleetcheck status</title>\n<style>";
  out += page_css;
  out += "</style></head>\n<body>\n<header><h1>fleetcheck</h1>\n";
  counts_line(out, v.counts);
  out += "</header>\n<main>\n<section><h2>Groups</h2>\n";
  groups_list(out, v);
  out += "</section>\n<section><h2>Targets</h2>\n";
  filter_form(out, v);
  out += fmt::format("<p class=\"matching\" id=\"matching\">{} matching</p>\n", v.matching);
  out +=
      "<table class=\"targets\"><thead><tr><th>Target</th><th>State</th><th>Uptime 24h</th>"
      "<th>Uptime 7d</th><th>Latency</th><th>Last error</th><th>Since</th></tr></thead>\n"
      "<tbody id=\"rows\">\n";
  for (const auto& r : v.rows) target_row(out, r);
  out += "</tbody></table>\n<nav class=\"pages\" id=\"pages\">";
  if (v.query.page > 0) {
    out += "<a rel=\"prev\" href=\"" + page_link(v.query, v.query.page - 1) + "\">previous</a> ";
  }
  out += fmt::format("<span>page {} of {}</span>", v.query.page + 1, v.pages);
  if (v.query.page + 1 < v.pages) {
    out += " <a rel=\"next\" href=\"" + page_link(v.query, v.query.page + 1) + "\">next</a>";
  }
  out += "</nav>\n</section>\n</main>\n<footer id=\"updated\">rendered " +
         report::iso8601_utc_ms(health::wall_clock::now()) + "</footer>\n<script>";
  out += page_js;
  out += "</script>\n</body></html>\n";
  return out;
}

}  // namespace fleetcheck::serve::page
