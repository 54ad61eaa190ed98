#pragma once
// Internal: what each HTTP endpoint of `serve` answers, as a function of the request. Blocking
// (a check runs, /metrics renders the fleet): the HTTP server calls it off its own thread.

#include <string>

#include "serve/daemon.hpp"
#include "serve/log.hpp"

namespace fleetcheck::serve {

struct api_request {
  std::string method;          ///< "GET", "POST", ...
  std::string target;          ///< origin form: path and query
  std::string scrape_timeout;  ///< X-Prometheus-Scrape-Timeout-Seconds, "" when absent
  std::string body;            ///< at most 64 KiB (the server refuses more)
};

struct api_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string cache_control = "no-store";
};

/// Answers every endpoint (docs/serve.md). Never throws: a bug becomes a 500 with one line.
api_response answer(daemon& d, logger& log, const api_request& request);

}  // namespace fleetcheck::serve
