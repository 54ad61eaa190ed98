#pragma once

// The shape of a test case ported from Gatus's own test suite, and how it is checked. Every case
// states what fleetcheck does; a case where that differs from Gatus says so in `divergence`, and
// the same divergence is listed in docs/conditions.md.

#include <cctype>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "fleetcheck/conditions/condition.hpp"

namespace fleetcheck::conditions::testing {

enum class expect {
  pass,         // parses, and evaluates to healthy
  fail,         // parses, and evaluates to unhealthy
  parses,       // parses (Gatus's Validate() cases, which evaluate nothing)
  parse_error,  // condition_error at parse time, i.e. a config error
};

struct gatus_case {
  std::string_view name;              // Gatus's name for the scenario
  std::string_view condition;         // the condition as Gatus's test writes it
  observation obs;                    // Gatus's Result, field for field
  expect verdict;                     // what fleetcheck does
  std::string_view description = {};  // fleetcheck's description; checked when not empty
  std::string_view divergence = {};   // why fleetcheck differs from Gatus; empty = they agree
};

inline void PrintTo(const gatus_case& c, std::ostream* os) {
  *os << c.name << ": " << c.condition;
}

/// A gtest parameter name from Gatus's scenario name: "status-failure" -> "status_failure".
/// Gatus reuses a name now and then, so repeats get a suffix.
inline std::string case_name(const std::vector<gatus_case>& cases, std::size_t index) {
  const auto clean = [](std::string_view name) {
    std::string out;
    for (const char c : name) {
      out += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
    }
    return out.empty() ? std::string("unnamed") : out;
  };
  const auto name = clean(cases[index].name);
  int seen = 0;
  for (std::size_t i = 0; i < index; ++i) seen += clean(cases[i].name) == name ? 1 : 0;
  return seen == 0 ? name : name + "_" + std::to_string(seen + 1);
}

inline void check(const gatus_case& c) {
  SCOPED_TRACE(::testing::Message() << "Gatus case " << c.name << ": " << c.condition
                                    << (c.divergence.empty() ? "" : " [divergence: ")
                                    << c.divergence << (c.divergence.empty() ? "" : "]"));
  if (c.verdict == expect::parse_error) {
    EXPECT_THROW(condition::parse(c.condition), condition_error);
    return;
  }
  std::vector<condition> parsed;
  try {
    parsed.push_back(condition::parse(c.condition));
  } catch (const condition_error& e) {
    FAIL() << "does not parse: " << e.what();
  }
  if (c.verdict == expect::parses) return;
  const auto v = parsed.front().evaluate(c.obs);
  EXPECT_EQ(v.ok, c.verdict == expect::pass) << v.description;
  if (!c.description.empty()) {
    EXPECT_EQ(v.description, c.description);
  }
  // evaluate_all() must agree with evaluate(), description included.
  const auto failed = evaluate_all(parsed, c.obs);
  EXPECT_EQ(failed.empty(), v.ok);
  if (!failed.empty()) {
    EXPECT_EQ(failed.front().description, v.description);
  }
}

}  // namespace fleetcheck::conditions::testing
