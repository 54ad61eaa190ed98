#pragma once
// Internal: the YAML keys of core::check_settings, and which of them each protocol takes.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/yaml_reader.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::config {

/// Keys every target takes: identity and the protocol-independent settings.
std::span<const std::string_view> common_target_keys();
/// The settings keys only some protocols take, for the protocol of `spec`: a target may use
/// common_target_keys() and these. Follows from the spec alone (one overload per protocol).
std::span<const std::string_view> protocol_keys(const core::protocol_spec& spec);
/// Every settings key any protocol takes: what `defaults:` accepts.
std::span<const std::string_view> all_settings_keys();
/// "http:// and https://", "tcp://": for "does not apply to ..." messages.
std::string_view protocol_label(const core::protocol_spec& spec);

/// `method`, upper-cased; fails unless it is a token of letters.
std::string upper_method(const yaml_reader& r, const YAML::Node& n, std::string_view context);
/// Sets each header of the mapping `n` (replacing one of the same name); values of secret-looking
/// headers become secrets.
void read_headers(const yaml_reader& r, const YAML::Node& n, std::string_view context,
                  core::check_settings& into);

/// Overlays the settings keys present in `map` onto `into` (keys were checked by the caller).
void read_settings(const yaml_reader& r, const YAML::Node& map, std::string_view context,
                   core::check_settings& into);

}  // namespace fleetcheck::config
