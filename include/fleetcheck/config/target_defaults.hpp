#pragma once

#include <cstddef>

#include "fleetcheck/core/target.hpp"

namespace fleetcheck::config {

/// What a target inherits when it does not say: built from the command line, then overlaid by a
/// config file's `defaults:` section, then by the target's own keys (the most specific wins).
struct target_defaults {
  core::duration timeout = std::chrono::seconds(2);
  core::http_request request;
  core::status_set expect_status;
  std::size_t max_body_bytes = 64 * 1024;
  core::tls_settings tls;
  std::vector<conditions::condition> conditions;
  int retries = 0;
  int follow_redirects = 0;
  std::vector<std::string> secrets;  ///< from auth settings and sensitive headers
};

}  // namespace fleetcheck::config
