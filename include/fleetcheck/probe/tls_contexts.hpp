#pragma once

#include <memory>
#include <span>

#include "fleetcheck/core/target.hpp"

namespace fleetcheck::probe {

/// One OpenSSL context per distinct TLS setting, built in the control plane before any check
/// starts: loading the system CA store costs milliseconds and must not happen per check, and a CA
/// file that does not load is the user's mistake, to be reported before anything is checked.
/// Contexts are immutable once built and shared by every thread (OpenSSL allows that); a setting
/// first met at run time (a redirect to https) is built then, under a lock.
class tls_contexts {
 public:
  /// Builds the contexts `targets` need. Throws core::config_error naming the target when a CA
  /// file, certificate or key cannot be loaded.
  explicit tls_contexts(std::span<const core::target> targets = {});
  ~tls_contexts();
  tls_contexts(const tls_contexts&) = delete;
  tls_contexts& operator=(const tls_contexts&) = delete;

  struct impl;
  impl& internals() { return *impl_; }

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace fleetcheck::probe
