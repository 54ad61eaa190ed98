#pragma once
// Test support: an in-process mock fleet on loopback ports the OS picks.

#include <stdexcept>
#include <string>
#include <vector>

#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/mock/mock_fleet.hpp"

namespace fleetcheck::test_support {

inline mock::mock_options quick_mock(std::size_t services = 1,
                                     core::duration delay = std::chrono::milliseconds(20)) {
  mock::mock_options o;
  o.services = services;
  o.base_port = 0;
  o.delay = delay;
  o.threads = 1;
  return o;
}

/// `o` serving TLS with this certificate and key (PEM files).
inline mock::mock_options with_tls(mock::mock_options o, const std::string& cert_file,
                                   const std::string& key_file) {
  o.tls = true;
  o.cert_file = cert_file;
  o.key_file = key_file;
  return o;
}

/// A target for `url` with its name set, as the config loader would build it.
inline core::target make_target(const std::string& url, const std::string& name = "",
                                core::check_settings defaults = {}) {
  auto t = config::target_from_url(url, defaults);
  if (!t) throw std::invalid_argument(t.error());
  if (!name.empty()) t->name = name;
  return std::move(*t);
}

}  // namespace fleetcheck::test_support
