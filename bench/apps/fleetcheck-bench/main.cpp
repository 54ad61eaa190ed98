// fleetcheck-bench: the benchmark harness. Starts fleetcheck-mock, runs every strategy (our client
// drivers and the peers) at every N as its own measured process, and writes a table, CSV, JSON and
// plots. `fleetcheck bench ...` runs this program; scripts/bench builds and runs it.
#include <iostream>

#include <CLI/CLI.hpp>

#include "fleetcheck/bench/bench_command.hpp"

int main(int argc, char** argv) {
  namespace bench = fleetcheck::bench;
  bench::bench_command_options options;
  CLI::App app{bench::bench_description, "fleetcheck-bench"};
  bench::add_bench_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << "fleetcheck-bench: " << e.what() << " (run 'fleetcheck-bench --help')\n";
    return 2;
  }
  return bench::run_bench_command(options, std::cout, std::cerr);
}
