#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "fleetcheck/core/duration.hpp"

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace fleetcheck::cli {

/// `fleetcheck check` as the user typed it: strings still unparsed where parsing can fail, so that
/// every error can name its flag.
struct check_options {
  std::vector<std::string> urls;
  std::string config_file;
  std::string targets_file;  ///< "-" = standard input
  std::optional<std::string> timeout, deadline, max_body, max_header;
  std::optional<std::string> concurrency, threads, retries, follow_redirects;  ///< whole numbers
  std::string format = "table";
  std::string output_file;  ///< "" or "-" = stdout
  std::optional<std::string> method;
  /// Where host names are resolved: "IP[:PORT],..." (default: /etc/resolv.conf's servers).
  std::optional<std::string> dns_server;
  std::vector<std::string> headers;        ///< "Name: value"
  std::vector<std::string> expect_status;  ///< "200", "2xx", "200-399"
  bool no_colour = false;
  std::string ca_file;
  bool insecure = false;
  std::vector<std::string> conditions;  ///< applied to every target
  std::vector<std::string> groups;      ///< check only targets of these groups
  bool only_failed = false;             ///< rows of non-healthy targets only
  bool quiet = false;                   ///< the summary only
  bool wide = false;                    ///< never shorten table cells to the terminal
  std::string progress = "auto";  ///< live progress on stderr: auto (a terminal), always, never
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  /// End the process (std::_Exit with the exit code) as soon as the report is written, instead of
  /// unwinding what is still in flight: at the deadline of a large run, closing thousands of
  /// sockets and freeing their checks one by one takes longer than the kernel takes at exit.
  /// main() sets it; in-process callers (tests) leave it off.
  bool exit_when_written = false;
};

/// Runs `fleetcheck check`: reads targets, checks them all, writes the report. Returns the exit
/// code (see exit_codes.hpp). Errors in the input are reported on `err` as one line, with nothing
/// on `out`.
int run_check(const check_options& options, std::ostream& out, std::ostream& err);

/// Runs `fleetcheck validate`: reads the same target sources as `check`, applies defaults and
/// flags, and prints the effective targets (secrets redacted) without sending anything. Exit 0,
/// or 2 with one line on `err`.
int run_validate(const check_options& options, std::ostream& out, std::ostream& err);

/// Adds the flags that choose and configure targets (shared by check and validate), or all of
/// check's flags, to a CLI11 subcommand. Every repeatable flag takes exactly one value per
/// occurrence and every value is passed through verbatim (CLI11's list syntax is off), so that
/// `-H 'X: y' http://host/` never swallows the URL.
void add_target_flags(CLI::App& command, check_options& options);
void add_check_flags(CLI::App& command, check_options& options);

/// One line, in our words, for a command-line parse error: unknown subcommands and flags get a
/// "did you mean".
std::string explain_parse_error(const CLI::ParseError& error, const CLI::App& app);

}  // namespace fleetcheck::cli
