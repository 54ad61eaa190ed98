// Hostile bodies and what descriptions may contain: nothing may throw out of evaluate() or
// evaluate_all(), and every description must be one line of valid UTF-8, safe to log and render.
// Also evaluate_all() and concurrent use.

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "condition_test_support.hpp"

namespace fleetcheck::conditions::testing {
namespace {

// Strict UTF-8 check with no control characters: what "safe to log" means here.
bool is_safe_line(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t length = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xC2) || c > 0xF4) return false;
    if (i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

const std::vector<std::string> probes = {
    "[BODY] == ok",      "[BODY].a == ok",        "[BODY][0] == 1",       "len([BODY]) > 0",
    "len([BODY].a) > 0", "has([BODY].a) == true", "[BODY].a == [BODY].b", "[BODY] == pat(*x*)",
    "[BODY].a > 1",      "[STATUS] == [BODY].a",
};

void expect_safe(const observation& obs) {
  std::vector<condition> all;
  for (const auto& text : probes) all.push_back(condition::parse(text));
  for (const auto& c : all) {
    verdict v{};
    EXPECT_NO_THROW(v = c.evaluate(obs)) << c.text();
    EXPECT_TRUE(is_safe_line(v.description)) << v.description;
  }
  std::vector<verdict> failed;
  EXPECT_NO_THROW(failed = evaluate_all(all, obs));
  for (const auto& v : failed) EXPECT_TRUE(is_safe_line(v.description)) << v.description;
}

TEST(condition_safety, json_nested_too_deeply_is_not_read) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const auto v = eval("[BODY][0] == 1", http(200, deep));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY][0] (body JSON is nested too deeply) == 1");
  EXPECT_EQ(eval("len([BODY]) > 1", http(200, deep)).description,
            "len([BODY]) (body JSON is nested too deeply) > 1");
  // It might hold the path, so has() cannot say it does not.
  EXPECT_FALSE(passes("has([BODY][0]) == false", http(200, deep)));
  // Brackets inside strings do not count.
  const std::string text = R"m({"a": ")m" + std::string(1000, '[') + R"m("})m";
  EXPECT_TRUE(passes("len([BODY].a) == 1000", http(200, text)));
  expect_safe(http(200, deep));
}

TEST(condition_safety, huge_numbers_in_bodies_do_not_throw) {
  EXPECT_TRUE(passes("[BODY].a > 1", http(200, R"({"a": 1e308})")));
  EXPECT_FALSE(passes("[BODY].a == 1", http(200, R"({"a": 1e999})")));  // not JSON: overflow
  EXPECT_TRUE(passes("[BODY].a > 1", http(200, R"({"a": 123456789012345678901234567890})")));
  EXPECT_TRUE(
      passes("[BODY].a == 18446744073709551615", http(200, R"({"a": 18446744073709551615})")));
  EXPECT_TRUE(passes("[BODY].a > 0", http(200, R"({"a": "99999999999999999999999"})")));
  expect_safe(http(200, R"({"a": -1e308, "b": 1e-320})"));
}

TEST(condition_safety, bytes_that_are_not_utf8_are_escaped_in_descriptions) {
  const std::string body = "ok\xff\xfe then \xc3(";
  const auto v = eval("[BODY] == ok", http(200, body));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY] (ok\\xff\\xfe then \\xc3() == ok");
  expect_safe(http(200, body));
  // A JSON body with invalid UTF-8 in a string is not JSON (nlohmann rejects it), not an error.
  EXPECT_EQ(eval("[BODY].a == x", http(200, "{\"a\": \"\xff\"}")).description,
            "[BODY].a (body is not JSON) == x");
  expect_safe(http(200, "{\"a\": \"\xff\", \"b\": [\"\xc0\xaf\"]}"));
  // Overlong encodings and surrogates are not UTF-8 either.
  EXPECT_EQ(eval("[BODY] == x", http(200, "\xc0\xaf\xed\xa0\x80")).description,
            "[BODY] (\\xc0\\xaf\\xed\\xa0\\x80) == x");
}

TEST(condition_safety, descriptions_escape_what_would_break_a_line_or_a_terminal) {
  const auto v = eval("[BODY].msg == ok", http(200, R"m({"msg": "line 1\nline 2\u0001"})m"));
  EXPECT_EQ(v.description, "[BODY].msg (line 1\\nline 2\\x01) == ok");
  // Line separator, bidi override, C1 control.
  EXPECT_EQ(eval("[BODY] == ok", http(200, "a\u2028b\u202Ec\u0085")).description,
            "[BODY] (a\\u2028b\\u202ec\\u0085) == ok");
  EXPECT_EQ(eval("[BODY] == ok", http(200, "caf\u00e9 \u2713")).description,
            "[BODY] (caf\u00e9 \u2713) == ok");
}

TEST(condition_safety, condition_text_in_descriptions_is_escaped_too) {
  const auto v = eval("[BODY] == a\x01\xff", http(200, "x"));
  EXPECT_EQ(v.description, "[BODY] (x) == a\\x01\\xff");
}

TEST(condition_safety, descriptions_shorten_long_values) {
  const std::string body(1000, 'x');
  const auto v = eval("[BODY] == ok", http(200, body));
  EXPECT_EQ(v.description, "[BODY] (" + std::string(80, 'x') + "...) == ok");
}

TEST(condition_safety, descriptions_do_not_cut_a_character_in_half) {
  std::string body(79, 'x');
  body += "\xC3\xA9\xC3\xA9";
  EXPECT_EQ(eval("[BODY] == ok", http(200, body)).description,
            "[BODY] (" + std::string(79, 'x') + "...) == ok");
}

TEST(condition_safety, glob_stays_fast_on_pathological_patterns) {
  const std::string body(100000, 'a');
  EXPECT_FALSE(passes("[BODY] == pat(*a*a*a*a*a*a*a*a*b)", http(200, body)));
  EXPECT_TRUE(passes("[BODY] == pat(*a*a*a*a*a*a*a*a*)", http(200, body)));
  EXPECT_FALSE(passes("[BODY] == pat(*[a]*[a]*?*[b])", http(200, body)));
}

TEST(condition_safety, glob_handles_bytes_that_are_not_utf8) {
  EXPECT_TRUE(passes("[BODY] == pat(a?c)", http(200,
                                                "a\xff"
                                                "c")));
  EXPECT_TRUE(passes("[BODY] == pat(*\xff*)", http(200, "x\xffy")));
  EXPECT_TRUE(passes("[BODY] == pat([^a]*)", http(200, "\xc3")));
}

// --- evaluate_all ------------------------------------------------------------------------------

constexpr std::string_view json_body =
    R"({"status": "UP", "data": {"items": [{"id": 42}, {"id": "43"}]}})";

TEST(condition_safety, evaluate_all_returns_only_failures_in_order) {
  const std::vector<condition> conditions = {
      condition::parse("[STATUS] == 200"),
      condition::parse("[BODY].status == DOWN"),
      condition::parse("[RESPONSE_TIME] < 500"),
      condition::parse("len([BODY].data.items) == 5"),
      condition::parse("has([BODY].errors) == false"),
  };
  const auto failed = evaluate_all(conditions, http(200, json_body, 812));
  ASSERT_EQ(failed.size(), 3U);
  EXPECT_FALSE(failed[0].ok);
  EXPECT_EQ(failed[0].description, "[BODY].status (UP) == DOWN");
  EXPECT_EQ(failed[1].description, "[RESPONSE_TIME] (812) < 500");
  EXPECT_EQ(failed[2].description, "len([BODY].data.items) (2) == 5");
}

TEST(condition_safety, evaluate_all_returns_nothing_when_all_pass) {
  const std::vector<condition> conditions = {
      condition::parse("[STATUS] == 200"),
      condition::parse("[BODY].status == UP"),
      condition::parse("[CONNECTED] == true"),
  };
  EXPECT_TRUE(evaluate_all(conditions, http(200, json_body)).empty());
  EXPECT_TRUE(evaluate_all({}, http(200)).empty());
}

TEST(condition_safety, evaluate_all_reports_non_json_for_each_path_condition) {
  const std::vector<condition> conditions = {
      condition::parse("[BODY].a == 1"),
      condition::parse("[BODY] == oops"),
      condition::parse("[BODY].b == 2"),
  };
  const auto failed = evaluate_all(conditions, http(200, "oops"));
  ASSERT_EQ(failed.size(), 2U);
  EXPECT_EQ(failed[0].description, "[BODY].a (body is not JSON) == 1");
  EXPECT_EQ(failed[1].description, "[BODY].b (body is not JSON) == 2");
}

TEST(condition_safety, copies_evaluate_concurrently) {
  const auto c = condition::parse("[BODY].data.items[0].id == 42");
  std::vector<std::thread> threads;
  std::vector<int> passed(4, 0);
  for (std::size_t i = 0; i < passed.size(); ++i) {
    threads.emplace_back([c, &passed, i] {
      for (int n = 0; n < 100; ++n) passed[i] += c.evaluate(http(200, json_body)).ok ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  for (const int p : passed) EXPECT_EQ(p, 100);
}

}  // namespace
}  // namespace fleetcheck::conditions::testing
