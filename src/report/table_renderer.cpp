#include <algorithm>
#include <ctime>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>

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

}  // namespace

void render_table(std::ostream& out, const fleet_view& fleet, const table_options& options) {
  const auto& results = fleet.results;
  std::vector<std::size_t> order(results.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return rank(results[a].outcome) < rank(results[b].outcome);
  });

  const bool show_url = std::any_of(fleet.targets.begin(), fleet.targets.end(),
                                    [](const core::target& t) { return t.name != t.url; });
  struct row {
    std::string name, url, result, http, time, detail;
    core::outcome outcome;
  };
  std::vector<row> rows;
  rows.reserve(order.size());
  const std::int64_t now = std::time(nullptr);
  row header{"TARGET", "URL", "RESULT", "HTTP", "TIME", "DETAIL", core::outcome::healthy};
  std::size_t w_name = header.name.size(), w_url = header.url.size(), w_result = 9, w_http = 4,
              w_time = header.time.size();
  for (const auto i : order) {
    const auto& r = results[i];
    const auto& t = fleet.targets[i];
    std::string detail = r.error;
    if (r.cert_expires_at) {
      const auto days = (*r.cert_expires_at - now) / 86400;
      detail = fmt::format("{}{}cert {} {}d", detail, detail.empty() ? "" : "; ",
                           days < 0 ? "expired" : "expires in", days < 0 ? -days : days);
    }
    rows.push_back(row{printable(t.name), printable(t.url), std::string(core::to_string(r.outcome)),
                       r.http_status > 0 ? std::to_string(r.http_status) : "-",
                       human_seconds(r.duration_seconds), printable(detail), r.outcome});
    w_name = std::max(w_name, rows.back().name.size());
    w_url = std::max(w_url, rows.back().url.size());
    w_time = std::max(w_time, rows.back().time.size());
  }

  const auto print = [&](const row& x, bool is_header) {
    std::string line = fmt::format("{:<{}}  ", x.name, w_name);
    if (show_url) line += fmt::format("{:<{}}  ", x.url, w_url);
    const auto result = fmt::format("{:<{}}", x.result, w_result);
    if (options.colour && !is_header) {
      line += fmt::format("{}{}\033[0m", colour_of(x.outcome), result);
    } else {
      line += result;
    }
    line += fmt::format("  {:>{}}  {:>{}}  {}", x.http, w_http, x.time, w_time, x.detail);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  print(header, true);
  for (const auto& x : rows) print(x, false);

  const auto t = count(fleet.results);
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
  out << fmt::format("\nchecked {} targets: {} healthy, {} failed{} in {}{}{}\n", t.total,
                     t.healthy, t.failed(), breakdown.empty() ? "" : " (" + breakdown + ")",
                     human_seconds(fleet.summary.elapsed_seconds), slowest,
                     fleet.summary.interrupted         ? " — interrupted"
                     : fleet.summary.deadline_exceeded ? " — deadline exceeded"
                                                       : "");
}

}  // namespace fleetcheck::report
