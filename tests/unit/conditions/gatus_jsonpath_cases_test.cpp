// Gatus's jsonpath/jsonpath_test.go (TestEval), case by case, as read at TwiN/gatus commit
// 08c463542f56872a267e5b2e1e1cf421f0ea8a6a. No case is skipped.
//
// jsonpath.Eval(path, body) returns the value's text and length, or an error. Gatus's conditions
// reach it through "[BODY].<path>" and "len([BODY].<path>)", so each case is checked the same way:
//   found:     [BODY]<path> == <value> and len([BODY]<path>) == <length> pass;
//   not found: has([BODY]<path>) == false passes and len([BODY]<path>) == 0 fails (Gatus shows
//              "(INVALID)" there, which equals nothing);
//   rejected:  fleetcheck refuses the path at parse time, where Gatus finds nothing at run time.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fleetcheck/conditions/condition.hpp"
#include "gatus_case.hpp"

namespace fleetcheck::conditions::testing {
namespace {

enum class outcome { found, not_found, rejected };

struct jsonpath_case {
  std::string_view name;
  std::string_view path;  // as Gatus writes it: "data.ids[0].id", "[1]", ""
  std::string_view data;
  outcome result;
  std::string_view value = {};  // found: the value, as a condition would compare it
  int length = 0;               // found: fleetcheck's len()
  std::string_view divergence = {};
};

void PrintTo(const jsonpath_case& c, std::ostream* os) {
  *os << c.name << ": " << c.path;
}

constexpr std::string_view negative_index =
    "Gatus finds nothing at a negative index at run time; fleetcheck rejects the path at parse "
    "time";

const std::vector<jsonpath_case> jsonpath_cases = {
    {"simple", "key", R"({"key": "value"})", outcome::found, "value", 5},
    {"simple-with-invalid-data", "key", "invalid data", outcome::not_found},
    {"invalid-path", "key", "{}", outcome::not_found},
    {"long-simple-walk", "long.simple.walk", R"({"long": {"simple": {"walk": "value"}}})",
     outcome::found, "value", 5},
    {"array-of-objects", "ids[1].id", R"({"ids": [{"id": 1}, {"id": 2}]})", outcome::found, "2", 1},
    {"array-of-values", "ids[0]", R"({"ids": [1, 2]})", outcome::found, "1", 1},
    // jsonpath gives "[1 2]" here, but a condition's bare [BODY] is the body itself, in Gatus as
    // in fleetcheck; only len([BODY]) goes through jsonpath.
    {"array-of-values-with-no-path", "", "[1, 2]", outcome::found, "[1, 2]", 2},
    {"array-of-values-and-invalid-index",
     "ids[wat]",
     R"({"ids": [1, 2]})",
     outcome::rejected,
     {},
     0,
     "Gatus finds nothing at index [wat] at run time; fleetcheck rejects the path at parse time"},
    {"array-of-values-at-root", "[1]", "[1, 2]", outcome::found, "2", 1},
    {"array-of-objects-at-root", "[0]", R"([{"id": 1}, {"id": 2}])", outcome::found, R"({"id":1})",
     1,
     "len() of a JSON object: Gatus counts the characters of its minified JSON (8), fleetcheck "
     "its members (1)"},
    {"array-of-objects-with-int-at-root", "[0].id", R"([{"id": 1}, {"id": 2}])", outcome::found,
     "1", 1},
    {"array-of-objects-at-root-and-invalid-index", "[5].id", R"([{"id": 1}, {"id": 2}])",
     outcome::not_found},
    {"long-walk-and-array", "data.ids[0].id",
     R"({"data": {"ids": [{"id": 1}, {"id": 2}, {"id": 3}]}})", outcome::found, "1", 1},
    {"nested-array", "[3][2]", "[[1, 2], [3, 4], [], [5, 6, 7]]", outcome::found, "7", 1},
    {"object-with-nested-arrays", "data[1][1]",
     R"({"data": [["a", "b", "c"], ["d", "eeeee", "f"]]})", outcome::found, "eeeee", 5},
    {"object-with-arrays-of-objects", "data[0].apps[1].name",
     R"({"data": [{"apps": [{"name":"app1"}, {"name":"app2"}, {"name":"app3"}]}]})", outcome::found,
     "app2", 4},
    {"object-with-arrays-of-objects-with-missing-element", "data[0].apps[1].name",
     R"({"data": [{"apps": []}]})", outcome::not_found},
    {"partially-invalid-path-issue122", "data.name.invalid", R"({"data": {"name": "john"}})",
     outcome::not_found},
    {"float-as-string", "balance", R"({"balance": "123.40000000000005"})", outcome::found,
     "123.40000000000005", 18},
    {"float-as-number", "balance", R"({"balance": 123.40000000000005})", outcome::found,
     "123.40000000000005", 18},
    {"negative-index-on-keyed-array",
     "data[-1]",
     R"({"data": [1, 2, 3]})",
     outcome::rejected,
     {},
     0,
     negative_index},
    {"negative-index-on-root-array", "[-1]", "[1, 2, 3]", outcome::rejected, {}, 0, negative_index},
    {"negative-index-followed-by-key",
     "data[-1].name",
     R"({"data": [{"name": "value"}]})",
     outcome::rejected,
     {},
     0,
     negative_index},
    {"negative-index-nested-array",
     "data[0][-1]",
     R"({"data": [[1, 2, 3]]})",
     outcome::rejected,
     {},
     0,
     negative_index},
};

// Gatus's path as it follows [BODY] in a condition.
std::string body_path(std::string_view path) {
  if (path.empty() || path.starts_with('[')) return "[BODY]" + std::string(path);
  return "[BODY]." + std::string(path);
}

class gatus_jsonpath : public ::testing::TestWithParam<jsonpath_case> {};

TEST_P(gatus_jsonpath, verdict) {
  const auto& c = GetParam();
  SCOPED_TRACE(::testing::Message()
               << "Gatus case " << c.name << " [divergence: " << c.divergence << "]");
  const auto target = body_path(c.path);
  observation obs;
  obs.body = c.data;
  const auto value_condition = target + " == " + std::string(c.value.empty() ? "x" : c.value);
  const auto length_condition =
      "len(" + target + ") == " + std::to_string(c.result == outcome::found ? c.length : 0);
  switch (c.result) {
    case outcome::found: {
      const auto v = condition::parse(value_condition).evaluate(obs);
      EXPECT_TRUE(v.ok) << v.description;
      const auto l = condition::parse(length_condition).evaluate(obs);
      EXPECT_TRUE(l.ok) << l.description;
      EXPECT_TRUE(condition::parse("has(" + target + ") == true").evaluate(obs).ok);
      break;
    }
    case outcome::not_found: {
      const auto h = condition::parse("has(" + target + ") == false").evaluate(obs);
      EXPECT_TRUE(h.ok) << h.description;
      const auto l = condition::parse(length_condition).evaluate(obs);
      EXPECT_FALSE(l.ok) << l.description;
      break;
    }
    case outcome::rejected:
      EXPECT_THROW(condition::parse(value_condition), condition_error);
      EXPECT_THROW(condition::parse(length_condition), condition_error);
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(gatus_jsonpath_eval, gatus_jsonpath, ::testing::ValuesIn(jsonpath_cases),
                         [](const auto& param) {
                           std::string name(jsonpath_cases[param.index].name);
                           for (auto& ch : name) ch = ch == '-' ? '_' : ch;
                           return name;
                         });

}  // namespace
}  // namespace fleetcheck::conditions::testing
