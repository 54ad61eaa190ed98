// The command line of `check` and `validate`, and our wording for CLI11's parse errors.
#include <regex>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fleetcheck/cli/check_command.hpp"
#include "fleetcheck/core/did_you_mean.hpp"

namespace fleetcheck::cli {
namespace {

/// A flag that may repeat: each occurrence takes exactly one value, verbatim. CLI11's defaults
/// for vectors would let `-H 'X: y' http://host/` swallow the URL as a second header and would
/// strip brackets from `'[BODY].a == [BODY].b[0]'` (its list syntax).
CLI::Option* repeatable(CLI::App& app, const std::string& name, std::vector<std::string>& into,
                        const std::string& help) {
  return app.add_option(name, into, help)
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

/// A flag with one value, kept as text so that our parser (not CLI11's) says what is wrong.
template <class T>
CLI::Option* single(CLI::App& app, const std::string& name, T& into, const std::string& help) {
  return app.add_option(name, into, help)->expected(1)->allow_extra_args(false);
}

std::vector<std::string_view> names_of(const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}

}  // namespace

void add_target_flags(CLI::App& c, check_options& o) {
  c.add_option("urls", o.urls,
               "Target URLs: http://, https://, tcp://host:port, dns://server/name?type=A");
  single(c, "-c,--config", o.config_file, "YAML fleet file (ours, or a Gatus config)");
  single(c, "--targets-file", o.targets_file, "File with one URL per line ('-' = stdin)");
  single(c, "--timeout", o.timeout, "Timeout of each check (default 2s)");
  single(c, "--deadline", o.deadline, "Deadline for the whole run (default 5s)");
  single(c, "--concurrency", o.concurrency, "Checks in flight at once (1-1000000, default 10000)");
  single(c, "--max-body", o.max_body, "Cap on response bodies (default 64KiB)");
  single(c, "--max-header", o.max_header,
         "Cap on response status line and headers (default 64KiB)");
  single(c, "-X,--method", o.method, "HTTP method (default GET)");
  repeatable(c, "-H,--header", o.headers, "Request header 'Name: value' (repeatable)");
  repeatable(c, "--expect-status", o.expect_status,
             "Healthy status codes: 200, 2xx, 200-399 (repeatable; default 2xx)");
  single(c, "--ca-file", o.ca_file, "PEM bundle to trust for https:// instead of the system CAs");
  c.add_flag("-k,--insecure", o.insecure, "Do not verify TLS certificates");
  single(c, "--retries", o.retries, "Extra attempts after a failure, within the timeout (0-10)");
  single(c, "--follow-redirects", o.follow_redirects, "Follow up to N redirects (0-20, default 0)");
  repeatable(c, "--condition", o.conditions,
             "Health condition for every target, e.g. '[BODY].status == UP' (repeatable)");
  repeatable(c, "--group", o.groups, "Check only the targets of this group (repeatable)");
  single(c, "--dns-server", o.dns_server,
         "Resolve host names with this DNS server, IP[:PORT][,...] (default: /etc/resolv.conf)");
}

void add_check_flags(CLI::App& c, check_options& o) {
  add_target_flags(c, o);
  single(c, "--format", o.format, "table | json | ndjson | prometheus | junit (default table)");
  single(c, "-o,--output", o.output_file, "Write the report to FILE, atomically ('-' = stdout)");
  single(c, "--threads", o.threads, "Event-loop threads (0 = automatic, the default)");
  c.add_flag("--no-color", o.no_colour, "Never colour the table (NO_COLOR is honoured too)");
  c.add_flag("--only-failed", o.only_failed, "Report rows of targets that are not healthy only");
  c.add_flag("-q,--quiet", o.quiet, "Print the summary only");
  c.add_flag("--wide", o.wide, "Never shorten table cells to fit the terminal");
  single(c, "--progress", o.progress,
         "Live progress line on stderr: auto (when a terminal), always, never");
}

std::string explain_parse_error(const CLI::ParseError& e, const CLI::App& app) {
  const std::string what = e.what();
  std::vector<std::string> commands;
  for (const auto* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
  const auto parsed = app.get_subcommands();
  const CLI::App* command = parsed.empty() ? nullptr : parsed.front();

  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && command == nullptr) {
    const auto left = app.remaining();
    if (!left.empty() && !left.front().starts_with('-')) {
      return fmt::format("unknown subcommand '{}'{} (see 'fleetcheck --help')", left.front(),
                         core::did_you_mean(left.front(), names_of(commands)));
    }
    return fmt::format("missing subcommand: use {} (see 'fleetcheck --help')",
                       fmt::join(commands, ", "));
  }
  static const std::regex extras(R"(arguments? (?:was|were) not expected: (\S+))");
  if (std::smatch m; std::regex_search(what, m, extras)) {
    const std::string word = m[1];
    if (command == nullptr) {
      return fmt::format("unknown subcommand '{}'{} (see 'fleetcheck --help')", word,
                         core::did_you_mean(word, names_of(commands)));
    }
    if (word.starts_with('-')) {
      std::vector<std::string> flags;
      for (const auto* option : command->get_options()) {
        for (const auto& n : option->get_lnames()) flags.push_back("--" + n);
        for (const auto& n : option->get_snames()) flags.push_back("-" + n);
      }
      return fmt::format("{}: unknown flag '{}'{} (see 'fleetcheck {} --help')",
                         command->get_name(), word, core::did_you_mean(word, names_of(flags)),
                         command->get_name());
    }
    return fmt::format("{}: unexpected argument '{}'", command->get_name(), word);
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    return fmt::format("{} (each flag takes one value)", what);
  }
  return what;
}

}  // namespace fleetcheck::cli
