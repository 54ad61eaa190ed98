#pragma once

#include <stdexcept>
#include <string>

namespace fleetcheck::core {

/// The one error type of the control plane (command line, config files, start-up). Its message is
/// complete and names where the problem is ("fleet.yaml:12: ..."); main prints it and exits with 2.
/// Probes never throw it: a misbehaving target only marks its own result.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace fleetcheck::core
