#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/status_set.hpp"

namespace fleetcheck::core {

enum class target_kind : std::uint8_t { http, https, tcp };

/// The request one HTTP check sends.
struct http_request {
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// One thing to check, validated: every field is usable as it is. Built by the config loader.
struct target {
  std::string name;
  std::string origin;  ///< where it was defined, for messages: "fleet.yaml:12", "argument 3"
  std::string url;  ///< as shown in reports (never contains credentials)
  target_kind kind = target_kind::http;
  std::string host;  ///< host name or IP literal, without IPv6 brackets
  std::uint16_t port = 80;
  std::string path = "/";  ///< origin-form request target: path and query
  http_request request;
  duration timeout = std::chrono::seconds(2);
  status_set expect_status;
  std::size_t max_body_bytes = 64 * 1024;
};

}  // namespace fleetcheck::core
