#pragma once

#include <string_view>

#include "fleetcheck/config/target_defaults.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::config {

/// Builds a target from a URL (http://host[:port]/path?query, https://..., tcp://host:port) and the
/// defaults; its name is the URL. Credentials in the URL become basic auth and are removed from the
/// URL shown in reports. Throws std::invalid_argument saying what is wrong with the URL; callers
/// add where it came from.
core::target target_from_url(std::string_view url, const target_defaults& defaults);

/// Sets a header, replacing one of the same name (case-insensitive).
void set_header(core::http_request& request, std::string name, std::string value);

/// Sets "Authorization: Basic ..." and records the password and token as secrets.
void set_basic_auth(core::target& t, std::string_view user, std::string_view password);

/// Records a value that must never appear in any output.
void add_secret(std::vector<std::string>& secrets, std::string value);

/// Whether a header or environment variable of this name holds a secret: its name contains
/// authorization, cookie, token, secret, pass, key, auth or credential, in any case.
bool is_secret_name(std::string_view name);

/// `text` with every occurrence of a secret replaced by "****".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace fleetcheck::config
