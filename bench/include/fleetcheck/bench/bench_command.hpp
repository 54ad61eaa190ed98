#pragma once

#include <optional>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace fleetcheck::bench {

/// `fleetcheck-bench` (alias `fleetcheck bench`) as the user typed it: strings still unparsed where
/// parsing can fail, so that every error names its flag; unset options take the suite's (or
/// --quick's) defaults.
struct bench_command_options {
  bool quick = false;
  std::optional<std::string> sizes, strategies, latency, timeout, max_run, cell_budget, run_timeout,
      ready_timeout;
  std::optional<int> reps;
  int retries = 2;
  std::size_t services = 100;
  unsigned base_port = 0;
  std::string out_dir, python = "/usr/bin/python3", peers_dir, go_peer, curl, mock_program,
                       client_program;
  bool no_plots = false;
};

/// What `fleetcheck-bench --help` says first (and `fleetcheck --help` next to `bench`).
inline constexpr const char* bench_description =
    "Benchmark: sequential vs thread pool vs event loop (and Python, Go and curl peers) against a "
    "mock fleet; writes a table, CSV, JSON and plots";

/// Adds the harness's flags to `app` (fleetcheck-bench's own), parsing into `options`.
void add_bench_options(CLI::App& app, bench_command_options& options);

/// Runs the harness; returns its exit code (see run_bench; 2 for a bad flag).
int run_bench_command(const bench_command_options& options, std::ostream& out, std::ostream& err);

}  // namespace fleetcheck::bench
