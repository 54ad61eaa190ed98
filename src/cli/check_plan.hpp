#pragma once
// Internal: `fleetcheck check`'s command line turned into targets and run options.

#include <string>
#include <vector>

#include "fleetcheck/alert/alerting_config.hpp"
#include "fleetcheck/cli/check_command.hpp"
#include "fleetcheck/core/target.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "fleetcheck/report/report.hpp"

namespace fleetcheck::cli {

struct check_plan {
  std::vector<core::target> targets;
  engine::run_options run;
  unsigned threads = 0;
  report::format format = report::format::table;
  /// The config file's notes (config::fleet_config::notices), for stderr.
  std::vector<std::string> notices;
  /// The config file's `alerting:` and `maintenance:`: serve's; `check` ignores them.
  alert::alerting_config alerting;
};

/// Reads every target source the options name, with the precedence documented in
/// config::settings_overlay. Throws core::config_error naming the flag, file:line or target.
check_plan make_check_plan(const check_options& options);

}  // namespace fleetcheck::cli
