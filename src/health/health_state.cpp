#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::health {

std::string_view to_string(state s) {
  switch (s) {
    case state::unknown:
      return "unknown";
    case state::healthy:
      return "healthy";
    case state::degraded:
      return "degraded";
    case state::unhealthy:
      return "unhealthy";
  }
  return "unknown";
}

state state_from_string(std::string_view name) {
  for (auto s : {state::healthy, state::degraded, state::unhealthy}) {
    if (to_string(s) == name) return s;
  }
  return state::unknown;
}

}  // namespace fleetcheck::health
