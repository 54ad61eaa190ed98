#pragma once
// Internal: reading one YAML document with every error naming file:line (and the target).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/expected.hpp"

namespace fleetcheck::config {

/// How environment variables are written in a file's values.
enum class env_syntax {
  braces,  ///< fleetcheck's own files: ${VAR} only, so that a lone `$` stays a `$`
  shell,   ///< Gatus files: ${VAR} and $VAR, as Go's os.ExpandEnv reads them
};

/// `map[key]`, without what yaml-cpp's operator[] costs for a key that is not there: it formats
/// the missing key through a std::stringstream for the error message of the node it returns
/// (~1 µs; a target is asked for ~40 keys it mostly does not have, and at 10,000 targets that was
/// a fifth of reading the file). The same answer otherwise: the value, or a node that is not
/// defined (false in a condition, throws when read). Not a map, or itself missing: not defined.
YAML::Node child(const YAML::Node& map, std::string_view key);

/// Reads values out of one YAML document. Every failure throws core::config_error
/// "source:line: context: message"; `context` names the target ("target 'api'") or section.
class yaml_reader {
 public:
  explicit yaml_reader(std::string_view source, env_syntax env = env_syntax::braces)
      : source_(source), env_(env) {}

  [[noreturn]] void fail(const YAML::Node& at, std::string_view context,
                         std::string_view message) const;
  /// The value of `result`, or fail() with its reason prefixed by `key` (when not empty).
  template <class T>
  T take(core::expected<T> result, const YAML::Node& at, std::string_view context,
         std::string_view key) const {
    if (!result) {
      fail(at, context,
           key.empty() ? result.error() : "'" + std::string(key) + "': " + result.error());
    }
    return std::move(*result);
  }

  /// "file:line" of a node.
  std::string where(const YAML::Node& at) const;

  /// Fails on the first key of `map` not in `allowed`, with a "did you mean" hint; a key in
  /// `elsewhere` gets `elsewhere_why` instead ("does not apply to tcp:// targets").
  void check_keys(const YAML::Node& map, std::span<const std::string_view> allowed,
                  std::string_view context, std::span<const std::string_view> elsewhere = {},
                  std::string_view elsewhere_why = {}) const;

  /// A scalar with ${VAR} (and with env_syntax::shell, $VAR) replaced from the environment, and
  /// `$$` read as `$`; an unset variable is an error, never "". Values of secret-looking
  /// variables are remembered (take_env_secrets).
  std::string scalar(const YAML::Node& node, std::string_view context, std::string_view key) const;
  core::duration duration(const YAML::Node& node, std::string_view context,
                          std::string_view key) const;
  /// A whole number from `least` to `most`.
  long long number(const YAML::Node& node, std::string_view context, std::string_view key,
                   long long least, long long most) const;
  bool boolean(const YAML::Node& node, std::string_view context, std::string_view key) const;
  /// A file that must exist and be readable: checked now, so the mistake names its line.
  std::string readable_file(const YAML::Node& node, std::string_view context,
                            std::string_view key) const;

  /// Hands over the values of secret-looking ${VAR}s read since the last call.
  std::vector<std::string> take_env_secrets() const;

 private:
  /// The variable's value; fails naming it when it is not set.
  std::string env_value(const YAML::Node& node, std::string_view context, std::string_view key,
                        const std::string& name) const;

  std::string source_;
  env_syntax env_;
  mutable std::vector<std::string> env_secrets_;
};

}  // namespace fleetcheck::config
