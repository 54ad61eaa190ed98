#pragma once
// Test support for the config loaders: parse YAML text as a named file, catch its one error line.

#include <string>
#include <variant>

#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/core/config_error.hpp"

namespace fleetcheck::testkit {

/// Parses `yaml` as the file `source`.
inline config::fleet_config parse_as(const std::string& source, const std::string& yaml,
                                     const config::settings_overlay& flags = {}) {
  return config::parse_config(yaml, source, flags);
}

/// The message of the config_error that parsing `yaml` as `source` throws, or "(no error)".
inline std::string error_parsing(const std::string& source, const std::string& yaml) {
  try {
    parse_as(source, yaml);
  } catch (const core::config_error& e) {
    return e.what();
  }
  return "(no error)";
}

inline const core::http_spec& http_of(const core::target& t) {
  return std::get<core::http_spec>(t.spec);
}

}  // namespace fleetcheck::testkit
