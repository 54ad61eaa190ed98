#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace fleetcheck::core {

/// Why a check's time ran out; decides the outcome (timeout or deadline) and the wording.
enum class deadline_reason : std::uint8_t {
  timeout,      ///< the check's own `timeout`
  run,          ///< the run's global deadline came first
  interrupted,  ///< the run was cancelled (SIGINT/SIGTERM)
};

/// A point in time a check must be done by, and why: a value, so that every step of a check can
/// bound itself by what is left (`expires_at(at)`) and a check cut short can say why.
struct deadline {
  std::chrono::steady_clock::time_point at;
  deadline_reason reason = deadline_reason::timeout;

  bool reached(std::chrono::steady_clock::time_point now) const { return now >= at; }
  std::chrono::steady_clock::duration left(std::chrono::steady_clock::time_point now) const {
    return at > now ? at - now : std::chrono::steady_clock::duration::zero();
  }
  /// The earlier of two deadlines; on a tie the run's reason wins over the check's own timeout.
  static deadline earliest(const deadline& a, const deadline& b) {
    if (a.at != b.at) return a.at < b.at ? a : b;
    return a.reason == deadline_reason::timeout ? b : a;
  }
};

}  // namespace fleetcheck::core
