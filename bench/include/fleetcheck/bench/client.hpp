#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/bench/strategy.hpp"
#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::bench {

/// What one client-driver process is asked to do: check `count` targets
/// `http://host:{base_port + i % services}/health` with one strategy. The Python peers take the
/// same flags, so that the harness drives everyone alike.
struct client_options {
  strategy how;
  std::string host = "127.0.0.1";
  std::uint16_t base_port = 9000;
  std::size_t services = 100;
  std::size_t count = 100;
  core::duration timeout = std::chrono::seconds(10);    ///< of each check
  core::duration deadline = std::chrono::seconds(300);  ///< of the whole run
};

/// The one JSON line a client driver prints.
struct client_result {
  std::string strategy;
  std::size_t n = 0;
  std::size_t ok = 0;          ///< healthy answers (2xx)
  std::size_t failed = 0;      ///< everything else, including checks the deadline cut short
  double elapsed_seconds = 0;  ///< measured inside the process, from the first check to the last
  std::string first_error;     ///< why the first failed check failed, for diagnosis
};

/// The targets of a run, in order. Built from `services` parsed URLs and copied, so that building
/// 100,000 targets costs the drivers next to nothing.
std::vector<core::target> make_targets(const client_options& options);

/// Runs a native strategy (not a Python peer) in this process and tallies the outcome. Throws
/// std::invalid_argument for a peer, std::system_error when threads cannot be started.
client_result run_client(const client_options& options);

/// {"strategy":"event-loop","n":100,"ok":100,"failed":0,"elapsed_seconds":0.2041}
std::string to_json_line(const client_result& result);

/// Reads the last line of `output` that parses as a client result; nullopt when there is none.
std::optional<client_result> parse_client_output(std::string_view output);

}  // namespace fleetcheck::bench
