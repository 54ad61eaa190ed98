#pragma once
// Internal: how Gatus reads an endpoint's URL and body text, where fleetcheck's own rules differ.

#include <string>
#include <string_view>

#include "fleetcheck/core/target.hpp"

namespace fleetcheck::config {

/// Gatus's getParsedBody: [ENDPOINT_NAME], [ENDPOINT_GROUP], [ENDPOINT_URL] and
/// [RANDOM_STRING_N] (N letters and digits, at most 8192). Gatus draws the random strings for
/// every request; here they are drawn once, for the run.
std::string expand_body(const std::string& raw, const std::string& name, const std::string& group,
                        const std::string& url);

/// Host and port of a URL fleetcheck does not parse as its own ("icmp://::1", "8.8.8.8:53",
/// "ssh://user@h:22"), as far as it gives them: for messages only, nothing connects to it.
core::endpoint loose_endpoint(std::string_view url);

/// The URL as reports show it: credentials never appear there.
std::string without_userinfo(std::string_view url);

}  // namespace fleetcheck::config
