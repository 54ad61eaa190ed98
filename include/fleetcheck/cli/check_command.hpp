#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::cli {

/// `fleetcheck check` as the user typed it: strings still unparsed where parsing can fail, so that
/// every error can name its flag.
struct check_options {
  std::vector<std::string> urls;
  std::string config_file;
  std::string targets_file;  ///< "-" = standard input
  std::optional<std::string> timeout, deadline, max_body, max_header;
  std::optional<long long> concurrency;
  int threads = 0;  ///< 0 = automatic
  std::string format = "table";
  std::string output_file;  ///< "" or "-" = stdout
  std::optional<std::string> method;
  std::vector<std::string> headers;        ///< "Name: value"
  std::vector<std::string> expect_status;  ///< "200", "2xx", "200-399"
  bool no_colour = false;
  std::string ca_file;
  bool insecure = false;
  std::optional<int> retries, follow_redirects;
  std::vector<std::string> conditions;  ///< applied to every target
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

/// Runs `fleetcheck check`: reads targets, checks them all, writes the report. Returns the exit
/// code (see exit_codes.hpp). Errors in the input are reported on `err` as one line, with nothing
/// on `out`.
int run_check(const check_options& options, std::ostream& out, std::ostream& err);

}  // namespace fleetcheck::cli
