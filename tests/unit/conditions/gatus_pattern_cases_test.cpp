// Gatus's pattern/pattern_test.go (TestMatch), case by case, as read at TwiN/gatus commit
// 08c463542f56872a267e5b2e1e1cf421f0ea8a6a, checked through a condition: Match(pattern, key)
// becomes "[BODY] == pat(<pattern>)" against the body <key>. No case is skipped, none diverges.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "condition_test_support.hpp"

namespace fleetcheck::conditions::testing {
namespace {

struct pattern_case {
  std::string_view pattern;
  std::string_view key;
  bool matches;
};

void PrintTo(const pattern_case& c, std::ostream* os) {
  *os << "pattern '" << c.pattern << "' from '" << c.key << "'";
}

const std::vector<pattern_case> pattern_cases = {
    {"*", "livingroom_123", true},
    {"**", "livingroom_123", true},
    {"living*", "livingroom_123", true},
    {"*living*", "livingroom_123", true},
    {"*123", "livingroom_123", true},
    {"*_*", "livingroom_123", true},
    {"living*_*3", "livingroom_123", true},
    {"living*room_*3", "livingroom_123", true},
    {"living*room_*3", "livingroom_123", true},  // Gatus lists it twice
    {"*vin*om*2*", "livingroom_123", true},
    {"livingroom_123", "livingroom_123", true},
    {"*livingroom_123*", "livingroom_123", true},
    {"*test*", "\\test", true},
    {"livingroom", "livingroom_123", false},
    {"livingroom123", "livingroom_123", false},
    {"what", "livingroom_123", false},
    {"*what*", "livingroom_123", false},
    {"*.*", "livingroom_123", false},
    {"room*123", "livingroom_123", false},
};

class gatus_pattern : public ::testing::TestWithParam<pattern_case> {};

TEST_P(gatus_pattern, verdict) {
  const auto& c = GetParam();
  const auto v = eval("[BODY] == pat(" + std::string(c.pattern) + ")", http(200, c.key));
  EXPECT_EQ(v.ok, c.matches) << v.description;
  const auto negated = eval("[BODY] != pat(" + std::string(c.pattern) + ")", http(200, c.key));
  EXPECT_EQ(negated.ok, !c.matches) << negated.description;
}

INSTANTIATE_TEST_SUITE_P(gatus_match, gatus_pattern, ::testing::ValuesIn(pattern_cases),
                         [](const auto& param) { return "case_" + std::to_string(param.index); });

}  // namespace
}  // namespace fleetcheck::conditions::testing
