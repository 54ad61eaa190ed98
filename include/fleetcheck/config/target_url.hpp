#pragma once

#include <string>
#include <string_view>

#include "fleetcheck/core/expected.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::config {

/// Builds a target from a URL (http://host[:port]/path?query, https://..., tcp://host:port) with
/// `settings`; its name is the URL. Credentials in the URL become basic auth and are removed from
/// the URL shown in reports. On a bad URL, says what is wrong with it; callers add where it came
/// from.
core::expected<core::target> target_from_url(std::string_view url,
                                             const core::check_settings& settings);

/// Sets a header, replacing one of the same name (case-insensitive).
void set_header(core::http_request& request, std::string name, std::string value);

/// Sets "Authorization: Basic ..." and records the password and token as secrets.
void set_basic_auth(core::check_settings& settings, std::string_view user,
                    std::string_view password);

}  // namespace fleetcheck::config
