#pragma once
// Internal: the Python peers under bench/peers/ and whether this machine can run them.

#include <filesystem>
#include <string>

#include "fleetcheck/bench/strategy.hpp"

namespace fleetcheck::bench {

/// What the harness found out about Python: where the interpreter and the scripts are, which
/// libraries import, and their versions.
struct peer_runtime {
  std::filesystem::path python;
  std::filesystem::path dir;
  std::string versions;     ///< "Python 3.11.2, aiohttp 3.8.4, requests 2.28.1"
  std::string no_python;    ///< why no peer can run at all; empty when Python works
  std::string no_aiohttp;   ///< why py-asyncio cannot run
  std::string no_requests;  ///< why py-threads and py-sequential cannot run

  /// Why `s` cannot run here; empty when it can.
  std::string unavailable(const strategy& s) const;
  /// The script of peer `s`.
  std::filesystem::path script(const strategy& s) const;
};

/// Asks `python` which of aiohttp and requests it can import (one short process, bounded).
peer_runtime probe_peers(const std::filesystem::path& python, const std::filesystem::path& dir);

/// The peers' directory in the source tree this binary was built from.
std::filesystem::path default_peers_dir();

}  // namespace fleetcheck::bench
