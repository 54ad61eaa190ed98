// fleetcheck-bench-client: checks N mock targets with one concurrency model and prints one JSON
// line. `fleetcheck bench` runs it once per measurement, as its own process, so that wait4 sees
// exactly one strategy's time and memory.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "fleetcheck/bench/client.hpp"
#include "fleetcheck/core/process_limits.hpp"

int main(int argc, char** argv) {
  namespace bench = fleetcheck::bench;
  bench::client_options o;
  std::string strategy, timeout = "10s", deadline = "300s";
  CLI::App app{"fleetcheck-bench-client: checks N mock targets with one strategy, prints JSON",
               "fleetcheck-bench-client"};
  app.add_option("--strategy", strategy,
                 "sequential | threads:W | threads:N | event-loop | event-loop-mt")
      ->required();
  app.add_option("--host", o.host, "Address of the mock fleet (default 127.0.0.1)");
  app.add_option("--base-port", o.base_port, "First port of the mock fleet")->required();
  app.add_option("--services", o.services, "Ports of the mock fleet; target i uses base + i % K");
  app.add_option("--count", o.count, "Targets to check (N)")->required();
  app.add_option("--timeout", timeout, "Timeout of each check (default 10s)");
  app.add_option("--deadline", deadline, "Deadline of the whole run (default 300s)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "fleetcheck-bench-client: " << e.what() << '\n';
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  try {
    o.how = bench::parse_strategy(strategy);
    o.timeout = fleetcheck::core::parse_duration(timeout);
    o.deadline = fleetcheck::core::parse_duration(deadline);
  } catch (const std::invalid_argument& e) {
    std::cerr << "fleetcheck-bench-client: " << e.what() << '\n';
    return 2;
  }
  fleetcheck::core::raise_open_file_limit();
  try {
    const auto result = bench::run_client(o);
    std::cout << bench::to_json_line(result) << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "fleetcheck-bench-client: " << strategy << ": " << e.what() << '\n';
    return 1;
  }
  return 0;
}
