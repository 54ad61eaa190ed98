#include "fleetcheck/bench/bench_command.hpp"

#include <charconv>
#include <stdexcept>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "fleetcheck/bench/harness.hpp"
#include "fleetcheck/core/config_error.hpp"

namespace fleetcheck::bench {
namespace {

using core::config_error;

std::vector<std::size_t> parse_sizes(std::string_view text) {
  std::vector<std::size_t> sizes;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (ec != std::errc{} || end != item.data() + item.size() || n == 0 || n > 10'000'000) {
      throw config_error(fmt::format("--sizes: '{}' is not a target count (1-10000000)", item));
    }
    sizes.push_back(n);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (sizes.empty()) throw config_error("--sizes: give at least one size, e.g. 100,1000");
  return sizes;
}

bench_options make_options(const bench_command_options& c) {
  bench_options o;
  if (c.quick) {
    // No 100,000 run, the slow pools left out, three runs a cell but a single one for a cell that
    // takes 20 s (sequential at N=100), and a minute at most for measuring disturbed runs again,
    // so that a busy machine does not double its time. (Measured: see the --quick help.)
    o.sizes = {100, 1000, 10000};
    o.strategies = quick_strategies();
    o.plan.reps = 3;
    o.plan.min_reps = 1;
    o.plan.max_run = std::chrono::seconds(20);
    o.plan.cell_budget = std::chrono::seconds(20);
    o.retry_budget = std::chrono::seconds(60);
  }
  if (c.sizes) o.sizes = parse_sizes(*c.sizes);
  if (c.strategies) {
    try {
      o.strategies = parse_strategy_list(*c.strategies);
    } catch (const std::invalid_argument& e) {
      throw config_error(fmt::format("--strategies: {}", e.what()));
    }
  }
  if (c.reps) {
    if (*c.reps < 1 || *c.reps > 100) throw config_error("--reps must be within 1-100");
    o.plan.reps = *c.reps;
  }
  if (c.latency) o.plan.latency = core::parse_duration_flag("--latency", *c.latency);
  if (c.max_run) o.plan.max_run = core::parse_duration_flag("--max-run", *c.max_run);
  if (c.cell_budget)
    o.plan.cell_budget = core::parse_duration_flag("--cell-budget", *c.cell_budget);
  if (c.run_timeout)
    o.plan.run_timeout = core::parse_duration_flag("--run-timeout", *c.run_timeout);
  if (c.timeout) o.timeout = core::parse_duration_flag("--timeout", *c.timeout);
  if (c.ready_timeout)
    o.ready_timeout = core::parse_duration_flag("--ready-timeout", *c.ready_timeout);
  if (c.services == 0 || c.services > 1000) throw config_error("--services must be within 1-1000");
  o.services = c.services;
  if (c.base_port > 65535) throw config_error("--base-port must be within 0-65535");
  o.base_port = static_cast<std::uint16_t>(c.base_port);
  o.out_dir = c.out_dir;
  o.python = c.python;
  o.peers_dir = c.peers_dir;
  o.go_peer = c.go_peer;
  o.curl = c.curl;
  o.mock_program = c.mock_program;
  o.client_program = c.client_program;
  o.plots = !c.no_plots;
  if (c.retries < 0 || c.retries > 10) throw config_error("--retries must be within 0-10");
  o.retries = c.retries;
  return o;
}

}  // namespace

void add_bench_options(CLI::App& app, bench_command_options& o) {
  app.add_flag("--quick", o.quick,
               "At most 4 minutes (3.5 measured with other work on the 2 cores): N up to 10,000, "
               "up to 3 runs, --max-run 20s, fewer strategies");
  app.add_option("--sizes", o.sizes, "Target counts, e.g. 100,1000,10000,100000 (default)");
  app.add_option("--reps", o.reps, "Runs per strategy and N (default 5; fewer for slow cells)");
  app.add_option("--strategies", o.strategies,
                 "Comma-separated: sequential, threads:W, threads:N, event-loop, "
                 "event-loop-mt, go-nethttp, curl-parallel, py-asyncio, py-threads:W, "
                 "py-sequential (default: all)");
  app.add_option("--out", o.out_dir, "Output directory (default bench/results/<timestamp>)");
  app.add_option("--services", o.services, "Mock services (ports) the targets spread over (100)");
  app.add_option("--base-port", o.base_port,
                 "First mock port (default 0: find a free range below the ephemeral ports)");
  app.add_option("--latency", o.latency, "Latency of every mock answer (default 200ms)");
  app.add_option("--timeout", o.timeout, "Timeout of each check (default 10s)");
  app.add_option("--max-run", o.max_run,
                 "Skip a run predicted to take longer than this (default 30s)");
  app.add_option("--cell-budget", o.cell_budget,
                 "Fewer runs (at least 3) when a cell would take longer (default 60s)");
  app.add_option("--run-timeout", o.run_timeout,
                 "Kill a run after this (default: 3x its prediction + 15s, at least 20s)");
  app.add_option("--ready-timeout", o.ready_timeout,
                 "How long the mock fleet may take to come up (default 10s)");
  app.add_option("--python", o.python, "Python for the peers (default /usr/bin/python3)");
  app.add_option("--peers-dir", o.peers_dir,
                 "Directory of the Python and curl peers' scripts (bench/peers)");
  app.add_option("--go-peer", o.go_peer,
                 "The Go peer's program (default: fleetcheck-bench-go-nethttp next to this one)");
  app.add_option("--curl", o.curl, "curl for the curl peer (default: curl on PATH)");
  app.add_option("--mock", o.mock_program, "fleetcheck-mock to use (default: next to fleetcheck)");
  app.add_option("--client", o.client_program,
                 "fleetcheck-bench-client to use (default: next to fleetcheck)");
  app.add_option("--retries", o.retries,
                 "Measure a run again when other processes used the CPU meanwhile (default 2)");
  app.add_flag("--no-plots", o.no_plots, "Do not run gnuplot");
}

int run_bench_command(const bench_command_options& options, std::ostream& out, std::ostream& err) {
  bench_options o;
  try {
    o = make_options(options);
  } catch (const config_error& e) {
    err << "fleetcheck bench: " << e.what() << '\n';
    return 2;
  }
  return run_bench(o, out, err);
}

}  // namespace fleetcheck::bench
