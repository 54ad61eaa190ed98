// fleetcheck: checks the health of a whole fleet of services at once.
#include <iostream>

#include <CLI/CLI.hpp>

#include "bench_launcher.hpp"
#include "fleetcheck/cli/check_command.hpp"
#include "fleetcheck/cli/exit_codes.hpp"
#include "fleetcheck/cli/serve_command.hpp"

int main(int argc, char** argv) {
  if (const auto code = fleetcheck::apps::launch_bench_if_asked(argc, argv)) return *code;
  fleetcheck::cli::check_options check_options;
#ifndef FLEETCHECK_SANITIZED
  check_options.exit_when_written = true;  // sanitizer builds unwind, so leaks are still seen
#endif
  CLI::App app{"fleetcheck: health checks for a whole fleet, in one event loop", "fleetcheck"};
  app.set_version_flag("--version", "fleetcheck " FLEETCHECK_VERSION);
  app.require_subcommand(1);
  auto* check = app.add_subcommand(
      "check", "Check every target once, concurrently, and report (exit 0 = all healthy)");
  fleetcheck::cli::add_check_flags(*check, check_options);
  check->footer(R"(Examples:
  fleetcheck check http://10.0.0.5:8080/health https://api.internal/ready
  fleetcheck check -c fleet.yaml --group payments --only-failed
  fleetcheck check --targets-file urls.txt --timeout 500ms --deadline 3s --format json -o report.json
  fleetcheck check -c fleet.yaml --format ndjson | jq -c 'select(.healthy | not)'
  fleetcheck check tcp://redis.internal:6379 --format prometheus -o /var/lib/node_exporter/fleet.prom

Exit codes: 0 all healthy, 1 some not healthy, 2 bad flag or config, 3 report not written,
130/143 interrupted (the report of what finished is still written).)");
  fleetcheck::cli::check_options validate_options;
  auto* validate = app.add_subcommand(
      "validate", "Read the targets as check would and print them, sending nothing (exit 0 or 2)");
  fleetcheck::cli::add_target_flags(*validate, validate_options);
  validate->add_option("--format", validate_options.format, "table | json (default table)");
  validate->footer(R"(Examples:
  fleetcheck validate -c fleet.yaml
  fleetcheck validate -c fleet.yaml --timeout 300ms --format json   # flags applied as check would

Exit codes: 0 valid, 2 the one line on stderr says what is wrong and where.)");
  fleetcheck::cli::serve_options serve_options;
  auto* serve = app.add_subcommand(
      "serve", "Check every target at its interval, for ever; serve /metrics and a JSON API");
  fleetcheck::cli::add_serve_flags(*serve, serve_options);
  serve->footer(R"(Examples:
  fleetcheck serve -c fleet.yaml
  fleetcheck serve -c fleet.yaml --listen 0.0.0.0:9470 --data-dir /var/lib/fleetcheck
  fleetcheck serve -c fleet.yaml --shard 1/3 --log-format text

Endpoints: /metrics, /probe, /api/v1/check, /api/v1/targets, /healthz, /readyz, POST /-/reload
(docs/serve.md). SIGHUP reloads the config; SIGTERM drains and exits 0. Exit 2: bad flag or config.)");
  fleetcheck::apps::add_bench_launcher(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "fleetcheck: " << fleetcheck::cli::explain_parse_error(e, app) << '\n';
    return fleetcheck::cli::bad_input;
  }
  if (app.got_subcommand("check")) {
    // Nothing may reach std::terminate: a bug, or an allocation failure, is one line and exit 3.
    try {
      return fleetcheck::cli::run_check(check_options, std::cout, std::cerr);
    } catch (const std::exception& e) {
      std::cerr << "fleetcheck: internal error: " << e.what() << '\n';
      return fleetcheck::cli::internal_error;
    }
  }
  if (app.got_subcommand("serve")) {
    try {
      return fleetcheck::cli::run_serve(serve_options, std::cerr);
    } catch (const std::exception& e) {
      std::cerr << "fleetcheck: internal error: " << e.what() << '\n';
      return fleetcheck::cli::internal_error;
    }
  }
  if (app.got_subcommand("validate")) {
    return fleetcheck::cli::run_validate(validate_options, std::cout, std::cerr);
  }
  return fleetcheck::cli::bad_input;
}
