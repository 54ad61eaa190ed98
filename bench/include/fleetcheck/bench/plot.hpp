#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "fleetcheck/bench/results.hpp"

namespace fleetcheck::bench {

struct plot_request {
  std::filesystem::path dir;     ///< where plot.dat, plot.gp, wall.png and cpu.png go
  double latency_seconds = 0.2;  ///< drawn as the floor of the wall-time plot
  std::string subtitle;          ///< "200 ms per check, 100 services, AMD EPYC 2 cores"
};

struct plot_result {
  std::vector<std::filesystem::path> images;  ///< the PNGs written
  std::string note;  ///< empty when every plot was drawn; else why not (gnuplot missing...)
};

/// Writes the medians as gnuplot data and a script, then renders wall time vs N and CPU seconds vs
/// N, log–log, one line per strategy, with gnuplot (pngcairo, or png when cairo is missing). The
/// data and script are written even when gnuplot is not installed, so the plots can be drawn later.
plot_result render_plots(const bench_report& report, const plot_request& request);

/// The full path of `program` found on PATH; empty when it is not there.
std::filesystem::path find_on_path(const std::string& program);

}  // namespace fleetcheck::bench
