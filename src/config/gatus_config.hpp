#pragma once
// Internal: a Gatus configuration file (github.com/TwiN/gatus, config/config.go) read as a fleet,
// so that `fleetcheck check -c config.yaml` checks what Gatus would monitor. See docs/gatus.md.

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"
#include "fleetcheck/config/fleet_config.hpp"

namespace fleetcheck::config {

/// Whether `root` is a Gatus configuration: a mapping with `endpoints:` (or Gatus's `suites:`),
/// where a fleetcheck file has `targets:`.
bool is_gatus_config(const YAML::Node& root);

/// The first top-level key of `root` that only Gatus has (`metrics`, `ui`, `alerting`, ...), or
/// an undefined node: for the file of a Gatus directory that has no endpoints of its own.
YAML::Node gatus_only_key(const YAML::Node& root);

/// Reads a Gatus configuration. Endpoints become targets (see read_gatus_endpoint); Gatus's
/// dashboard, alerting and storage settings are accepted and listed in the notices, as are
/// disabled endpoints, endpoints fleetcheck cannot check yet, and suites. Keys that are not
/// Gatus's are errors. `flags` overlays Gatus's client defaults, under each endpoint's own keys.
/// The run's deadline and concurrency are left to the command line (Gatus's `concurrency` is its
/// scheduler's). Throws core::config_error naming file:line and the endpoint.
fleet_config read_gatus_config(const YAML::Node& root, std::string_view source,
                               const settings_overlay& flags);

}  // namespace fleetcheck::config
