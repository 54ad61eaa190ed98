#pragma once

#include <cstddef>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/alert/alerting_config.hpp"
#include "fleetcheck/core/expected.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::config {

/// Settings given on the command line. Precedence, from weakest to strongest: the built-in
/// defaults, a file's `defaults:`, the command line, a target's own keys — as with curl, kubectl
/// and Prometheus, the command line wins over a file's defaults, and the most specific place wins
/// over all.
using settings_overlay = std::function<void(core::check_settings&)>;

/// A fleet as read from one source; run-wide settings are unset when the source does not give them.
struct fleet_config {
  std::vector<core::target> targets;
  std::optional<core::duration> deadline;
  std::optional<std::size_t> concurrency;
  /// What the source holds that is accepted but not checked or not used, one line per kind
  /// ("gatus.yaml: ignored (...): alerting, ui"): the CLI prints each as a note on stderr, so
  /// that nothing in a file is dropped without a word.
  std::vector<std::string> notices;
  /// `alerting:` and `maintenance:` (docs/alerts.md): serve's alerts; `check` ignores them.
  alert::alerting_config alerting;
};

/// Reads a YAML fleet file: fleetcheck's own (`targets:`), or a Gatus configuration
/// (`endpoints:`, see docs/gatus.md). Unknown keys, keys that do not apply to a target's protocol,
/// bad values, bad URLs, duplicate names and an empty target list are errors: throws
/// core::config_error naming "file:line" and the target.
fleet_config load_config_file(const std::string& path, const settings_overlay& flags = {});

/// The same from text; `source` names it in messages. For tests and fuzzing.
fleet_config parse_config(std::string_view yaml, std::string_view source,
                          const settings_overlay& flags = {});

/// Reads one URL per line with `settings`; blank lines and `#` comments are skipped. Throws
/// core::config_error naming "source:line".
std::vector<core::target> parse_url_list(std::istream& in, std::string_view source,
                                         const core::check_settings& settings);

/// Throws core::config_error when two targets share a name, naming both places.
void check_unique_names(const std::vector<core::target>& targets);

/// Parses "64KiB", "1MiB", "512", "10kB" into bytes.
core::expected<std::size_t> parse_size(std::string_view text);

}  // namespace fleetcheck::config
