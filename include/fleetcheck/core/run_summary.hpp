#pragma once

#include <chrono>
#include <cstddef>

namespace fleetcheck::core {

/// What a run of many checks says about itself, besides the results: a value for renderers.
struct run_summary {
  double elapsed_seconds = 0;
  bool deadline_exceeded = false;
  bool interrupted = false;     ///< the run was cancelled (SIGINT/SIGTERM)
  unsigned threads = 0;         ///< event loops used
  std::size_t concurrency = 0;  ///< checks in flight at once, at most, as used
  std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
};

}  // namespace fleetcheck::core
