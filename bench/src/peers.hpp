#pragma once
// Internal: the peers under bench/peers/ (Python, Go, curl) and whether this machine can run them.

#include <filesystem>
#include <string>
#include <vector>

#include "fleetcheck/bench/strategy.hpp"

namespace fleetcheck::bench {

/// Where the peers' programs are, as given (empty = the default).
struct peer_settings {
  std::filesystem::path python = "/usr/bin/python3";
  std::filesystem::path dir;      ///< the scripts; empty = the source tree's bench/peers
  std::filesystem::path go_peer;  ///< empty = fleetcheck-bench-go-nethttp next to the harness
  std::filesystem::path curl;     ///< empty = curl on PATH
  std::filesystem::path floor;    ///< fleetcheck-bench-floor
};

/// What the harness found out about the peers' tools: where the programs are, which run, their
/// versions, and why not.
struct peer_runtime {
  std::filesystem::path python;
  std::filesystem::path dir;
  std::filesystem::path go_peer;
  std::filesystem::path curl;
  std::filesystem::path bash;
  std::filesystem::path floor;
  std::vector<std::string> versions;  ///< "Python 3.11.2, aiohttp 3.8.4, requests 2.28.1", ...
  std::string no_python;              ///< why no Python peer can run at all; empty when it works
  std::string no_aiohttp;             ///< why py-asyncio cannot run
  std::string no_requests;            ///< why py-threads and py-sequential cannot run
  std::string no_go;                  ///< why go-nethttp cannot run
  std::string no_curl;                ///< why curl-parallel cannot run
  std::string no_floor;               ///< why floor cannot run

  /// Why `s` cannot run here; empty when it can.
  std::string unavailable(const strategy& s) const;
  /// The script of peer `s` (Python or shell); empty for the Go peer.
  std::filesystem::path script(const strategy& s) const;
  /// How to start peer `s`, before the flags every client driver takes (--strategy, --count...).
  std::vector<std::string> command(const strategy& s) const;
};

/// Finds and asks the tools the peers among `strategies` need (short processes, bounded): which of
/// aiohttp and requests Python can import, the Go peer's Go version, curl's version. Tools no
/// strategy needs are not looked at.
peer_runtime probe_peers(const peer_settings& settings, const std::vector<strategy>& strategies);

/// The peers' directory in the source tree this binary was built from.
std::filesystem::path default_peers_dir();

/// The Go peer's program name; the build puts it next to fleetcheck-bench.
inline constexpr const char* go_peer_program = "fleetcheck-bench-go-nethttp";
inline constexpr const char* floor_program = "fleetcheck-bench-floor";

/// The oldest curl the curl peer works with: -Z came in 7.66, -w %{errormsg} and %{exitcode} in
/// 7.75.
inline constexpr int curl_oldest[3] = {7, 75, 0};

/// "curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 ..." -> {7, 88, 1}; {} when it is not that.
std::vector<int> parse_curl_version(const std::string& version_output);

}  // namespace fleetcheck::bench
