#pragma once

#include <string_view>

#include "fleetcheck/config/target_defaults.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::config {

/// Builds a target from a URL (http://host[:port]/path?query) and the defaults; its name is the URL.
/// Throws std::invalid_argument saying what is wrong with the URL; callers add where it came from.
core::target target_from_url(std::string_view url, const target_defaults& defaults);

}  // namespace fleetcheck::config
