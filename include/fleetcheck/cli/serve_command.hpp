#pragma once

#include <ostream>
#include <string>

#include "fleetcheck/cli/check_command.hpp"

namespace fleetcheck::cli {

/// `fleetcheck serve` as the user typed it.
struct serve_options {
  check_options targets;  ///< the same target sources and settings flags as `check`
  std::string listen = "127.0.0.1:9470";
  std::string data_dir = "./fleetcheck-data";  ///< "" = keep history in memory only
  std::string retention = "7d";
  std::string shard;  ///< "i/n"; "" = every target
  std::string log_format = "json";
  std::string external_url;  ///< the page's URL in alerts; "" = http://<--listen>/
};

/// Runs `fleetcheck serve` until SIGTERM/SIGINT (exit 0) ; a bad flag or config is one line on
/// `err` and exit 2, before anything starts.
int run_serve(const serve_options& options, std::ostream& err);

void add_serve_flags(CLI::App& command, serve_options& options);

}  // namespace fleetcheck::cli
