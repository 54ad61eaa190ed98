#include "fleetcheck/bench/plot.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "count_text.hpp"
#include "fleetcheck/bench/child_process.hpp"
#include "fleetcheck/bench/strategy.hpp"

namespace fleetcheck::bench {
namespace {

/// One line of a plot: a strategy's medians, by N.
struct series {
  std::string strategy;
  bool peer = false;
  std::vector<std::pair<std::size_t, cell_summary>> points;
};

/// Whether the strategy called `name` is a peer (Python, Go, curl).
bool is_peer_name(const std::string& name) {
  try {
    return parse_strategy(name).is_peer();
  } catch (const std::invalid_argument&) {
    return false;
  }
}

std::vector<series> collect(const bench_report& report) {
  std::vector<series> out;
  for (const auto& c : report.cells) {
    if (!c.skipped.empty()) continue;
    const auto s = summarize(c);
    if (s.good == 0) continue;
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const series& x) { return x.strategy == c.strategy; });
    if (it == out.end()) {
      out.push_back(series{c.strategy, is_peer_name(c.strategy), {}});
      it = std::prev(out.end());
    }
    it->points.emplace_back(c.n, s);
  }
  for (auto& s : out)
    std::sort(s.points.begin(), s.points.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

/// A gnuplot single-quoted string.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char ch : text) {
    if (ch == '\'') out += '\'';
    out += ch;
  }
  return out + "'";
}

// Colours that stay apart on white; peers reuse the palette with dashed lines.
constexpr const char* palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                   "#9467bd", "#8c564b", "#e377c2", "#17becf",
                                   "#7f7f7f", "#bcbd22", "#000000", "#393b79"};

std::string script(const std::vector<series>& lines, const plot_request& request,
                   const std::string& terminal) {
  const auto data = quoted((request.dir / "plot.dat").string());
  // Tics at the sizes measured; the y range from the data, so that the floor and the ceiling line
  // are drawn where they matter and do not stretch the plot.
  std::set<std::size_t> sizes;
  double wall_low = request.latency_seconds, wall_high = request.latency_seconds;
  double cpu_low = 1e9, cpu_high = 0;
  for (const auto& line : lines) {
    for (const auto& [n, s] : line.points) {
      sizes.insert(n);
      wall_low = std::min(wall_low, s.wall_min);
      wall_high = std::max(wall_high, s.wall_max);
      cpu_low = std::min(cpu_low, std::max(s.cpu_median, 1e-4));
      cpu_high = std::max(cpu_high, s.cpu_median);
    }
  }
  const auto n_min = *sizes.begin();
  const auto n_max = *sizes.rbegin();
  std::string xtics;
  for (const auto n : sizes) {
    if (!xtics.empty()) xtics += ", ";
    xtics += fmt::format("\"{}\" {}", count_text(n), n);
  }
  std::string s = fmt::format(
      "# Written by fleetcheck bench. Re-render with: gnuplot plot.gp\n"
      "set terminal {} size 1100,660 font ',11'\n"
      "set logscale xy\n"
      "set xrange [{}:{}]\n"
      "set xtics ({})\n"
      "set xlabel 'targets (N)'\n"
      "set grid xtics ytics mytics lc rgb '#e0e0e0'\n"
      "set key outside right top Left reverse box opaque font ',10' spacing 1.1\n"
      "set bars small\n",
      terminal, static_cast<double>(n_min) / 1.6, static_cast<double>(n_max) * 1.6, xtics);
  // Peers: dashed, with open squares, so that a peer's point on top of ours leaves ours visible.
  const auto style = [&](std::size_t i) {
    return fmt::format("lw 2 lc rgb '{}' {}", palette[i % std::size(palette)],
                       lines[i].peer ? "pt 4 ps 1.3 dt 2" : "pt 7 ps 0.8");
  };

  s += fmt::format("\nset output {}\n", quoted((request.dir / "wall.png").string()));
  s += fmt::format("set title \"Wall time vs N (median; bars: min–max)\\n{{/*0.8 {}}}\"\n",
                   request.subtitle);
  s += fmt::format("set ylabel 'wall time (s)'\nset format y '%g'\nset yrange [{}:{}]\nplot \\\n",
                   wall_low / 2, wall_high * 2);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    s += fmt::format("  {} index {} using 1:2:3:4 with yerrorlines {} title {}, \\\n", data, i,
                     style(i), quoted(lines[i].strategy));
  }
  s += fmt::format(
      "  {} with lines dt 3 lw 2 lc rgb 'black' title '{:g} ms latency floor', \\\n"
      "  x / 25800 with lines dt 4 lw 1 lc rgb '#808080' title 'N / 25,800 per s: loopback "
      "ceiling (nginx + wrk)'\n",
      request.latency_seconds, request.latency_seconds * 1000);

  s += fmt::format("\nset output {}\n", quoted((request.dir / "cpu.png").string()));
  s += fmt::format("set title \"CPU seconds (user + system) vs N, median\\n{{/*0.8 {}}}\"\n",
                   request.subtitle);
  s +=
      fmt::format("set ylabel 'CPU (s)'\nset yrange [{}:{}]\nplot \\\n", cpu_low / 2, cpu_high * 2);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    s += fmt::format("  {} index {} using 1:5 with linespoints {} title {}{}\n", data, i, style(i),
                     quoted(lines[i].strategy), i + 1 < lines.size() ? ", \\" : "");
  }
  s += "set output\n";
  return s;
}

}  // namespace

std::filesystem::path find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const auto dir = dirs.substr(0, colon);
    if (!dir.empty()) {
      const auto candidate = std::filesystem::path(dir) / program;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return {};
}

plot_result render_plots(const bench_report& report, const plot_request& request) {
  plot_result result;
  const auto lines = collect(report);
  if (lines.empty()) {
    result.note = "no strategy has a result to plot";
    return result;
  }
  {
    std::ofstream data(request.dir / "plot.dat", std::ios::trunc);
    data << "# fleetcheck bench: one block per strategy (gnuplot index i)\n"
            "# N  wall_median  wall_min  wall_max  cpu_median  max_rss_kib\n";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) data << "\n\n";
      data << "# " << lines[i].strategy << '\n';
      for (const auto& [n, s] : lines[i].points) {
        data << fmt::format("{} {:.6f} {:.6f} {:.6f} {:.6f} {}\n", n, s.wall_median, s.wall_min,
                            s.wall_max, s.cpu_median, s.rss_max_kib);
      }
    }
  }
  const auto script_path = request.dir / "plot.gp";
  const auto write_script = [&](const std::string& terminal) {
    std::ofstream out(script_path, std::ios::trunc);
    out << script(lines, request, terminal);
  };
  write_script("pngcairo");

  const auto gnuplot = find_on_path("gnuplot");
  if (gnuplot.empty()) {
    result.note = "gnuplot is not installed (apt install gnuplot-nox): plots not drawn; " +
                  script_path.string() + " draws them";
    return result;
  }
  auto outcome = run_measured({gnuplot.string(), script_path.string()}, std::chrono::seconds(60));
  if (outcome.kind == exit_kind::exited && outcome.code != 0 &&
      outcome.err_tail.find("pngcairo") != std::string::npos) {
    // A gnuplot built without cairo still has the libgd png terminal.
    write_script("png");
    outcome = run_measured({gnuplot.string(), script_path.string()}, std::chrono::seconds(60));
  }
  if (outcome.kind != exit_kind::exited || outcome.code != 0) {
    result.note = fmt::format("gnuplot failed: {}", outcome.err_tail);
    return result;
  }
  for (const auto* name : {"wall.png", "cpu.png"}) {
    if (std::filesystem::exists(request.dir / name)) result.images.push_back(request.dir / name);
  }
  return result;
}

}  // namespace fleetcheck::bench
