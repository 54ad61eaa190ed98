// fleetcheck: checks the health of a whole fleet of services at once.
#include <iostream>

#include <CLI/CLI.hpp>

#include "bench_launcher.hpp"
#include "fleetcheck/cli/check_command.hpp"
#include "fleetcheck/cli/exit_codes.hpp"

namespace {

void add_check_command(CLI::App& app, fleetcheck::cli::check_options& o) {
  auto* check = app.add_subcommand(
      "check", "Check every target once, concurrently, and report (exit 0 = all healthy)");
  check->add_option("urls", o.urls, "Target URLs (http://host[:port]/path)");
  check->add_option("-c,--config", o.config_file, "YAML fleet file (targets, defaults, deadline)");
  check->add_option("--targets-file", o.targets_file, "File with one URL per line ('-' = stdin)");
  check->add_option("--timeout", o.timeout, "Timeout of each check (default 2s)");
  check->add_option("--deadline", o.deadline, "Deadline for the whole run (default 5s)");
  check->add_option("--concurrency", o.concurrency, "Checks in flight at once (default 10000)");
  check->add_option("--threads", o.threads, "Event-loop threads (default 0 = automatic)");
  check->add_option("--format", o.format, "table | json | ndjson | prometheus (default table)");
  check->add_option("-o,--output", o.output_file, "Write the report to FILE instead of stdout");
  check->add_option("--max-body", o.max_body, "Cap on response bodies (default 64KiB)");
  check->add_option("-X,--method", o.method, "HTTP method (default GET)");
  check->add_option("-H,--header", o.headers, "Request header 'Name: value' (repeatable)");
  check->add_option("--expect-status", o.expect_status,
                    "Healthy status codes: 200, 2xx, 200-399 (repeatable; default 2xx)");
  check->add_flag("--no-color", o.no_colour, "Never colour the table (NO_COLOR is honoured too)");
  check->add_option("--ca-file", o.ca_file,
                    "PEM bundle to trust for https:// instead of system CAs");
  check->add_flag("-k,--insecure", o.insecure, "Do not verify TLS certificates");
  check->add_option("--retries", o.retries, "Extra attempts after a failure, within the timeout");
  check->add_option("--follow-redirects", o.follow_redirects,
                    "Follow up to N redirects (default 0)");
  check->add_option("--condition", o.conditions,
                    "Health condition for every target, e.g. '[BODY].status == UP' (repeatable)");
}

}  // namespace

int main(int argc, char** argv) {
  if (const auto code = fleetcheck::apps::launch_bench_if_asked(argc, argv)) return *code;
  fleetcheck::cli::check_options check_options;
  CLI::App app{"fleetcheck: health checks for a whole fleet, in one event loop", "fleetcheck"};
  app.set_version_flag("--version", "fleetcheck 0.1.0");
  app.require_subcommand(1);
  add_check_command(app, check_options);
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
    std::cerr << "fleetcheck: " << e.what() << " (run 'fleetcheck --help')\n";
    return fleetcheck::cli::bad_input;
  }
  if (app.got_subcommand("check")) {
    return fleetcheck::cli::run_check(check_options, std::cout, std::cerr);
  }
  return fleetcheck::cli::bad_input;
}
