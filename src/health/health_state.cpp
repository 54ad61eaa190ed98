#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::health {

std::string_view to_string(state s) {
  switch (s) {
    case state::healthy:
      return "healthy";
    case state::degraded:
      return "degraded";
    case state::unhealthy:
      return "unhealthy";
    case state::unknown:
      break;
  }
  return "unknown";
}

state state_from_string(std::string_view name) {
  for (const auto s : {state::healthy, state::degraded, state::unhealthy}) {
    if (name == to_string(s)) return s;
  }
  return state::unknown;
}

}  // namespace fleetcheck::health
