#pragma once
// Internal: the names of health states in alerts. health::to_string is declared on main but
// defined by serve's health sources; alerts keep their own so that this library links alone.

#include <string_view>

#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::alert::detail {

constexpr std::string_view state_name(health::state s) {
  switch (s) {
    case health::state::healthy:
      return "healthy";
    case health::state::degraded:
      return "degraded";
    case health::state::unhealthy:
      return "unhealthy";
    case health::state::unknown:
      break;
  }
  return "unknown";
}

}  // namespace fleetcheck::alert::detail
