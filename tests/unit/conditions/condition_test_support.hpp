#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "fleetcheck/conditions/condition.hpp"

namespace fleetcheck::conditions::testing {

/// A connected HTTP check that got this status and body.
inline observation http(int status, std::string_view body = {}, double response_time_ms = 100) {
  observation obs;
  obs.connected = true;
  obs.status = status;
  obs.response_time_ms = response_time_ms;
  obs.body = body;
  return obs;
}

inline verdict eval(std::string_view text, const observation& obs) {
  return condition::parse(text).evaluate(obs);
}

inline bool passes(std::string_view text, const observation& obs) {
  return eval(text, obs).ok;
}

/// The condition_error message, or a test failure when the text parses.
inline std::string parse_error(std::string_view text) {
  try {
    condition::parse(text);
  } catch (const condition_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed without error: " << text;
  return {};
}

}  // namespace fleetcheck::conditions::testing
