#include "fleetcheck/bench/results.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "count_text.hpp"

namespace fleetcheck::bench {
namespace {

/// Three significant figures or so: 0.203, 1.24, 20.1, 132.
std::string seconds_text(double s) {
  if (s < 0.0095) return fmt::format("{:.4f}", s);
  if (s < 9.95) return fmt::format("{:.3f}", s);
  if (s < 99.5) return fmt::format("{:.1f}", s);
  return fmt::format("{:.0f}", s);
}

std::string mib_text(long kib) {
  return fmt::format("{:.1f} MiB", static_cast<double>(kib) / 1024);
}

/// What went wrong in a cell's runs, counted: "2/5 crashed (SIGSEGV)".
std::string problems(const cell& c) {
  std::map<std::string, int> counts;
  for (const auto& r : c.runs) {
    if (r.status == run_status::ok) continue;
    ++counts[std::string(to_string(r.status)) +
             (r.status == run_status::crashed ? " (" + r.detail + ")" : "")];
  }
  std::string out;
  for (const auto& [what, count] : counts) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}/{} {}", count, c.runs.size(), what);
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char ch : text) {
    if (ch == '"') out += '"';
    out += ch == '\n' ? ' ' : ch;
  }
  return out + "\"";
}

/// Table cells must not break the table.
std::string table_text(std::string text) {
  for (auto& ch : text) {
    if (ch == '|' || ch == '\n') ch = ch == '|' ? '/' : ' ';
  }
  return text;
}

nlohmann::ordered_json usage_json(const process_usage& u) {
  return {{"wall_seconds", u.wall_seconds},
          {"user_seconds", u.user_seconds},
          {"sys_seconds", u.sys_seconds},
          {"cpu_seconds", u.cpu_seconds()},
          {"max_rss_kib", u.max_rss_kib},
          {"voluntary_context_switches", u.voluntary_switches},
          {"involuntary_context_switches", u.involuntary_switches}};
}

}  // namespace

std::string_view to_string(run_status s) {
  switch (s) {
    case run_status::ok:
      return "ok";
    case run_status::failed:
      return "failed";
    case run_status::crashed:
      return "crashed";
    case run_status::overran:
      return "overran";
    case run_status::no_result:
      return "no-result";
    case run_status::interrupted:
      return "interrupted";
  }
  return "?";
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

cell_summary summarize(const cell& c) {
  cell_summary s;
  s.runs = c.runs.size();
  std::vector<double> wall, cpu, percent, mock, vol, invol;
  bool first = true;
  for (const auto& r : c.runs) {
    if (r.status != run_status::ok) continue;
    ++s.good;
    const auto& u = r.usage;
    wall.push_back(u.wall_seconds);
    cpu.push_back(u.cpu_seconds());
    percent.push_back(u.wall_seconds > 0 ? 100 * u.cpu_seconds() / u.wall_seconds : 0);
    mock.push_back(r.mock_cpu_seconds);
    s.other_cpu_max = std::max(s.other_cpu_max, r.other_cpu_seconds);
    vol.push_back(static_cast<double>(u.voluntary_switches));
    invol.push_back(static_cast<double>(u.involuntary_switches));
    s.rss_max_kib = std::max(s.rss_max_kib, u.max_rss_kib);
    s.ok_min = first ? r.ok : std::min(s.ok_min, r.ok);
    first = false;
  }
  if (s.good == 0) return s;
  s.wall_min = *std::min_element(wall.begin(), wall.end());
  s.wall_max = *std::max_element(wall.begin(), wall.end());
  s.wall_median = median(wall);
  s.cpu_median = median(cpu);
  s.cpu_percent_median = median(percent);
  s.mock_cpu_median = median(mock);
  s.voluntary_median = median(vol);
  s.involuntary_median = median(invol);
  return s;
}

std::string render_markdown_table(const bench_report& report) {
  std::string out =
      "| strategy | N | wall s, median [min–max] | CPU s | CPU % | peak RSS | ok | checks/s | "
      "notes |\n|---|--:|---|--:|--:|--:|--:|--:|---|\n";
  for (const auto& c : report.cells) {
    const auto n = count_text(c.n);
    if (!c.skipped.empty()) {
      out += fmt::format("| {} | {} | skipped | | | | | | {} |\n", c.strategy, n,
                         table_text(c.skipped));
      continue;
    }
    if (c.runs.empty()) {
      out += fmt::format("| {} | {} | not run | | | | | | the suite stopped before this cell |\n",
                         c.strategy, n);
      continue;
    }
    const auto s = summarize(c);
    if (s.good == 0) {
      out += fmt::format("| {} | {} | no result | | | | | | {} |\n", c.strategy, n,
                         table_text(problems(c)));
      continue;
    }
    std::vector<std::string> notes{fmt::format("{} run{}", s.runs, s.runs == 1 ? "" : "s")};
    if (s.good < s.runs) notes.push_back(problems(c));
    const auto disturbed = std::count_if(c.runs.begin(), c.runs.end(),
                                         [](const run_record& r) { return r.disturbed; });
    if (disturbed > 0) {
      notes.push_back(fmt::format("{} disturbed by other processes", disturbed));
    }
    if (s.ok_min < c.n) {
      notes.push_back(
          fmt::format("{} of {} checks failed in the worst run", count_text(c.n - s.ok_min), n));
      const auto bad = std::find_if(c.runs.begin(), c.runs.end(), [](const run_record& r) {
        return r.status == run_status::ok && r.failed > 0 && !r.detail.empty();
      });
      if (bad != c.runs.end()) notes.back() += fmt::format(" (first: {})", bad->detail);
    }
    out += fmt::format("| {} | {} | {} [{}–{}] | {} | {:.0f} | {} | {} | {} | {} |\n", c.strategy,
                       n, seconds_text(s.wall_median), seconds_text(s.wall_min),
                       seconds_text(s.wall_max), seconds_text(s.cpu_median), s.cpu_percent_median,
                       mib_text(s.rss_max_kib), count_text(s.ok_min),
                       count_text(static_cast<std::size_t>(
                           s.wall_median > 0 ? static_cast<double>(c.n) / s.wall_median : 0)),
                       table_text(fmt::format("{}", fmt::join(notes, "; "))));
  }
  return out;
}

std::string render_markdown(const bench_report& report) {
  const auto& ctx = report.context;
  std::string out = fmt::format("# fleetcheck bench — {}\n\n", ctx.started_at);
  out += fmt::format("Machine: {}.  \n", ctx.machine);
  if (!ctx.settings.empty()) out += fmt::format("Settings: {}.\n", fmt::join(ctx.settings, ", "));
  out += '\n';
  out += render_markdown_table(report);
  out +=
      "\nwall: from fork to wait4, median of the runs [fastest–slowest]. CPU s: user + system "
      "(median), CPU %: CPU / wall (100 = one core busy). peak RSS: the largest over the runs. "
      "ok: healthy checks in the worst run. checks/s: N / median wall.\n";
  if (!ctx.notes.empty()) {
    out += "\nNotes:\n";
    for (const auto& note : ctx.notes) out += fmt::format("- {}\n", note);
  }
  return out;
}

void write_csv(std::ostream& out, const bench_report& report) {
  out << "strategy,n,rep,status,wall_seconds,user_seconds,sys_seconds,cpu_seconds,cpu_percent,"
         "max_rss_kib,voluntary_context_switches,involuntary_context_switches,ok,failed,"
         "inner_seconds,mock_cpu_seconds,other_cpu_seconds,disturbed,detail\n";
  for (const auto& c : report.cells) {
    if (!c.skipped.empty()) {
      // strategy, n, rep, status, 14 measurements left empty, detail.
      out << fmt::format("{},{},,skipped,{}{}\n", c.strategy, c.n, std::string(14, ','),
                         csv_field(c.skipped));
      continue;
    }
    for (const auto& r : c.runs) {
      const auto& u = r.usage;
      out << fmt::format(
          "{},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{:.1f},{},{},{},{},{},{:.6f},{:.3f},{:.3f},{},{}"
          "\n",
          r.strategy, r.n, r.rep, to_string(r.status), u.wall_seconds, u.user_seconds,
          u.sys_seconds, u.cpu_seconds(),
          u.wall_seconds > 0 ? 100 * u.cpu_seconds() / u.wall_seconds : 0.0, u.max_rss_kib,
          u.voluntary_switches, u.involuntary_switches, r.ok, r.failed, r.inner_seconds,
          r.mock_cpu_seconds, r.other_cpu_seconds, r.disturbed ? 1 : 0, csv_field(r.detail));
    }
  }
}

void write_json(std::ostream& out, const bench_report& report) {
  nlohmann::ordered_json cells = nlohmann::ordered_json::array();
  for (const auto& c : report.cells) {
    nlohmann::ordered_json j = {{"strategy", c.strategy}, {"n", c.n}};
    if (!c.skipped.empty()) {
      j["skipped"] = c.skipped;
      cells.push_back(std::move(j));
      continue;
    }
    const auto s = summarize(c);
    j["planned_reps"] = c.planned_reps;
    j["summary"] = {{"runs", s.runs},
                    {"good_runs", s.good},
                    {"wall_seconds_median", s.wall_median},
                    {"wall_seconds_min", s.wall_min},
                    {"wall_seconds_max", s.wall_max},
                    {"cpu_seconds_median", s.cpu_median},
                    {"cpu_percent_median", s.cpu_percent_median},
                    {"max_rss_kib", s.rss_max_kib},
                    {"ok_min", s.ok_min},
                    {"mock_cpu_seconds_median", s.mock_cpu_median},
                    {"other_cpu_seconds_max", s.other_cpu_max},
                    {"voluntary_context_switches_median", s.voluntary_median},
                    {"involuntary_context_switches_median", s.involuntary_median}};
    auto& runs = j["runs"] = nlohmann::ordered_json::array();
    for (const auto& r : c.runs) {
      runs.push_back({{"rep", r.rep},
                      {"status", to_string(r.status)},
                      {"detail", r.detail},
                      {"ok", r.ok},
                      {"failed", r.failed},
                      {"inner_seconds", r.inner_seconds},
                      {"mock_cpu_seconds", r.mock_cpu_seconds},
                      {"other_cpu_seconds", r.other_cpu_seconds},
                      {"disturbed", r.disturbed},
                      {"usage", usage_json(r.usage)}});
    }
    cells.push_back(std::move(j));
  }
  const auto& ctx = report.context;
  const nlohmann::ordered_json doc = {{"started_at", ctx.started_at},
                                      {"machine", ctx.machine},
                                      {"settings", ctx.settings},
                                      {"notes", ctx.notes},
                                      {"cells", std::move(cells)}};
  out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace fleetcheck::bench
