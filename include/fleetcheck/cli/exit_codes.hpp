#pragma once

namespace fleetcheck::cli {

/// The documented exit codes of every fleetcheck command.
enum exit_code : int {
  all_healthy = 0,    ///< every target healthy
  some_failed = 1,    ///< at least one target not healthy (or the deadline cut the run short)
  bad_input = 2,      ///< usage, flag or config error: nothing was checked
  internal_error = 3  ///< could not run at all (e.g. the output file cannot be written)
};

}  // namespace fleetcheck::cli
