#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/deadline.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::check {

/// The decision on one attempt.
struct verdict {
  core::outcome outcome = core::outcome::error;
  core::failure failure = core::failure::none;
  std::string message;  ///< empty when healthy
  std::vector<std::string> failed_conditions;
};

/// Decides an attempt the same way for every protocol: a transport failure is an error (or a
/// timeout/deadline, worded by `reason`); an answer is judged by the protocol's own verdict
/// (`wrong_answer`), the status against expect_status, then the conditions. With conditions, the
/// status decides only if expect_status was set explicitly. Pure: `now_unix` is the wall clock
/// for certificate expiry. Never throws for any observation.
verdict judge(const core::check_settings& settings, const attempt_result& attempt,
              core::deadline_reason reason, std::int64_t now_unix);

}  // namespace fleetcheck::check
