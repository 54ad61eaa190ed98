#pragma once
// Internal: one endpoint of a Gatus configuration (Gatus's config/endpoint/endpoint.go and
// client/config.go) as a fleetcheck target.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::config {

/// Gatus's client defaults (client/config.go): a 10s timeout, and redirects followed as Go's
/// http.Client follows them, at most 10.
inline constexpr auto gatus_timeout = std::chrono::seconds(10);
inline constexpr int gatus_redirects = 10;
core::check_settings gatus_client_defaults();

/// What one endpoint gave, with what of it fleetcheck does not use, for the notices.
struct gatus_endpoint {
  core::target target;
  bool enabled = true;
  /// Why it is not checked, in a word ("icmp://", "DNS", "[DOMAIN_EXPIRATION]"); empty when it is.
  std::string unsupported;
  std::vector<std::string> ignored;  ///< keys for Gatus's dashboard and alerting: "alerts", "ui"
  /// Keys Gatus ignores too on a tcp:// endpoint: "method", "headers", "graphql".
  std::vector<std::string> ignored_on_tcp;
  /// Client settings that change how Gatus checks and that fleetcheck does not have:
  /// "client.oauth2", "client.proxy-url".
  std::vector<std::string> not_applied;
};

/// Reads endpoints[index]. `inherited` holds Gatus's client defaults (10s timeout, redirects
/// followed) with the command line's settings over them; the endpoint's own keys win over both.
/// The target's name is `group/name`, or `name` without a group. An endpoint of a protocol
/// fleetcheck cannot check becomes a core::unsupported_spec target. Throws core::config_error
/// naming file:line and the endpoint.
gatus_endpoint read_gatus_endpoint(const yaml_reader& r, const YAML::Node& node, std::size_t index,
                                   const core::check_settings& inherited);

}  // namespace fleetcheck::config
