#include <algorithm>
#include <ctime>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "fleetcheck/report/latency.hpp"
#include "fleetcheck/report/report.hpp"
#include "fleetcheck/report/text.hpp"

namespace fleetcheck::report {
namespace {

// Failures first, the worst kind at the top: what the operator must act on is what they see first.
int rank(core::outcome o) {
  switch (o) {
    case core::outcome::error:
      return 0;
    case core::outcome::timeout:
      return 1;
    case core::outcome::deadline:
      return 2;
    case core::outcome::unhealthy:
      return 3;
    case core::outcome::healthy:
      return 4;
  }
  return 5;
}

std::string_view colour_of(core::outcome o) {
  switch (o) {
    case core::outcome::healthy:
      return "\033[32m";
    case core::outcome::unhealthy:
    case core::outcome::error:
      return "\033[31m";
    case core::outcome::timeout:
    case core::outcome::deadline:
      return "\033[33m";
  }
  return "";
}

std::string human_seconds(double s) {
  if (s <= 0) return "-";
  if (s < 1) return fmt::format("{:.1f}ms", s * 1e3);
  return fmt::format("{:.3f}s", s);
}

/// `text` padded with spaces to `columns`: by code points, the unit shorten() cuts in, so that
/// names and URLs in any script stay aligned the same way they are cut.
std::string pad(std::string text, std::size_t columns) {
  const auto w = display_width(text);
  if (w < columns) text.append(columns - w, ' ');
  return text;
}

std::string detail_of(const core::probe_result& r, std::int64_t now) {
  std::string detail = r.error;
  const auto add = [&](const std::string& part) { detail += (detail.empty() ? "" : "; ") + part; };
  // A retry that rescued a check is worth knowing: the service is flaky, not down.
  if (r.outcome == core::outcome::healthy && r.attempts > 1) {
    add(fmt::format("healthy after {} attempts", r.attempts));
  }
  // A DNS answer that was fine says how many records it had; a wrong one is already its rcode.
  if (r.dns && r.outcome == core::outcome::healthy) {
    const auto n = r.dns->answer_rrs;
    add(fmt::format("{} answer{}", n, n == 1 ? "" : "s"));
  }
  if (r.cert_expires_at) {
    const auto days = (*r.cert_expires_at - now) / 86400;
    add(fmt::format("{}{}cert {} {}d", r.tls_version, r.tls_version.empty() ? "" : ", ",
                    days < 0 ? "expired" : "expires in", days < 0 ? -days : days));
  }
  // A ping's round trip is often well under a tenth of a millisecond: three decimals below 1 ms.
  if (r.icmp && r.icmp->rtt_seconds) {
    const double rtt = *r.icmp->rtt_seconds;
    add(rtt < 1e-3 ? fmt::format("rtt {:.3f}ms", rtt * 1e3) : "rtt " + human_seconds(rtt));
  }
  return printable(detail);
}

struct row {
  std::string name, url, result, http, time, detail;
  core::outcome outcome;
};

/// Widths of the URL and DETAIL columns so that rows fit in `width` columns; the other columns
/// keep theirs. URL gives way first, down to half of what is left, since its host (kept) says more
/// than its path; DETAIL gets the rest.
void fit(std::size_t width, std::size_t fixed, bool show_url, std::size_t& w_url,
         std::size_t& w_detail) {
  const std::size_t room = width > fixed ? width - fixed : 0;
  if (!show_url) {
    w_detail = std::min(w_detail, room);
    return;
  }
  const std::size_t least = std::min<std::size_t>(w_url, 8);  // a URL column still worth showing
  if (w_url + 2 + w_detail <= room) return;
  const std::size_t url_room = room > 2 ? room - 2 : 0;  // two spaces separate URL and DETAIL
  const std::size_t spare = url_room > w_detail ? url_room - w_detail : 0;
  w_url = std::max(least, std::min(w_url, std::max(url_room / 2, spare)));
  w_detail = url_room > w_url ? url_room - w_url : 0;
}

std::vector<std::string> summary_lines(const fleet_view& fleet) {
  const auto& results = fleet.results;
  const auto t = count(results);
  std::string breakdown;
  const auto add = [&](std::size_t n, std::string_view what) {
    if (n == 0) return;
    breakdown += fmt::format("{}{} {}", breakdown.empty() ? "" : ", ", n, what);
  };
  add(t.unhealthy, "unhealthy");
  add(t.error, "error");
  add(t.timeout, "timeout");
  add(t.deadline, "deadline");
  std::string slowest;
  const auto slow = std::max_element(
      results.begin(), results.end(),
      [](const auto& a, const auto& b) { return a.duration_seconds < b.duration_seconds; });
  if (slow != results.end() && slow->duration_seconds > 0) {
    slowest =
        fmt::format(", slowest {} {}",
                    printable(fleet.targets[static_cast<std::size_t>(slow - results.begin())].name),
                    human_seconds(slow->duration_seconds));
  }
  std::vector<std::string> lines{fmt::format(
      "checked {} target{}: {} healthy, {} failed{} in {}{}{}", t.total, t.total == 1 ? "" : "s",
      t.healthy, t.failed(), breakdown.empty() ? "" : " (" + breakdown + ")",
      human_seconds(fleet.summary.elapsed_seconds), slowest,
      fleet.summary.interrupted         ? " — interrupted"
      : fleet.summary.deadline_exceeded ? " — deadline exceeded"
                                        : "")};
  if (const auto l = healthy_latency(results)) {
    lines.push_back(fmt::format("latency of healthy checks: p50 {}, p90 {}, p99 {}, max {}",
                                human_seconds(l->p50), human_seconds(l->p90), human_seconds(l->p99),
                                human_seconds(l->max)));
  }
  std::string groups;
  for (const auto& [name, g] : count_by_group(fleet)) {
    groups += fmt::format("{}{} {}/{} healthy", groups.empty() ? "by group: " : ", ",
                          name.empty() ? "(none)" : printable(name), g.healthy, g.total);
  }
  if (!groups.empty()) lines.push_back(std::move(groups));
  return lines;
}

}  // namespace

void render_table(std::ostream& out, const fleet_view& fleet, const table_options& table,
                  const render_options& options) {
  const auto& results = fleet.results;
  std::vector<std::size_t> order;
  if (!options.quiet) {
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (shows(options, results[i])) order.push_back(i);
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return rank(results[a].outcome) < rank(results[b].outcome);
  });

  const bool show_url = std::any_of(order.begin(), order.end(), [&](std::size_t i) {
    return fleet.targets[i].name != fleet.targets[i].url;
  });
  std::vector<row> rows;
  rows.reserve(order.size());
  const std::int64_t now = std::time(nullptr);
  const row header{"TARGET", "URL", "RESULT", "HTTP", "TIME", "DETAIL", core::outcome::healthy};
  std::size_t w_name = header.name.size(), w_url = header.url.size(), w_time = header.time.size(),
              w_detail = header.detail.size();
  const std::size_t w_result = 9, w_http = 4;
  for (const auto i : order) {
    const auto& r = results[i];
    const auto& t = fleet.targets[i];
    rows.push_back(row{printable(t.name), printable(t.url), std::string(core::to_string(r.outcome)),
                       r.http_status > 0 ? std::to_string(r.http_status) : "-",
                       human_seconds(r.duration_seconds), detail_of(r, now), r.outcome});
    w_name = std::max(w_name, display_width(rows.back().name));
    w_url = std::max(w_url, display_width(rows.back().url));
    w_time = std::max(w_time, rows.back().time.size());
    w_detail = std::max(w_detail, display_width(rows.back().detail));
  }
  if (table.width > 0) {
    const std::size_t fixed = w_name + 2 + w_result + 2 + w_http + 2 + w_time + 2;
    fit(table.width, fixed, show_url, w_url, w_detail);
  }

  const auto print = [&](const row& x, bool is_header) {
    std::string line = pad(x.name, w_name) + "  ";
    if (show_url) line += pad(shorten(x.url, w_url), w_url) + "  ";
    const auto result = fmt::format("{:<{}}", x.result, w_result);
    if (table.colour && !is_header) {
      line += fmt::format("{}{}\033[0m", colour_of(x.outcome), result);
    } else {
      line += result;
    }
    line += fmt::format("  {:>{}}  {:>{}}  {}", x.http, w_http, x.time, w_time,
                        shorten(x.detail, w_detail));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  if (!rows.empty()) {
    print(header, true);
    for (const auto& x : rows) print(x, false);
    out << '\n';
  }
  for (const auto& line : summary_lines(fleet)) out << line << '\n';
}

}  // namespace fleetcheck::report
