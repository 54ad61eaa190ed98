#pragma once
// Internal: reading `alerting:` and `maintenance:` from a document the fleet reader has opened,
// so that errors carry the same file:line and the fleet file needs no second parse.

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"
#include "fleetcheck/alert/alerting_config.hpp"

namespace fleetcheck::alert {

/// The top-level keys read_alerting consumes: the fleet reader accepts them.
inline constexpr std::string_view alerting_top_keys[] = {"alerting", "maintenance"};

/// Reads `root["alerting"]` and `root["maintenance"]` (both optional).
alerting_config read_alerting(const config::yaml_reader& r, const YAML::Node& root);

}  // namespace fleetcheck::alert
