#include "fleetcheck/conditions/condition.hpp"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fleetcheck::conditions {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

observation http(int status, std::string_view body = {}, double response_time_ms = 100) {
  observation obs;
  obs.connected = true;
  obs.status = status;
  obs.response_time_ms = response_time_ms;
  obs.body = body;
  return obs;
}

verdict eval(std::string_view text, const observation& obs) {
  return condition::parse(text).evaluate(obs);
}

bool passes(std::string_view text, const observation& obs) {
  return eval(text, obs).ok;
}

std::string parse_error(std::string_view text) {
  try {
    condition::parse(text);
  } catch (const condition_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "parsed without error: " << text;
  return {};
}

constexpr std::string_view json_body = R"m({
  "status": "UP",
  "count": 7,
  "count_text": "7",
  "ratio": 0.5,
  "ok": true,
  "ok_text": "true",
  "nothing": null,
  "name": "john",
  "obj": {"a": 1, "b": [1, 2]},
  "empty": [],
  "data": {"items": [{"id": 42, "tag": "x"}, {"id": "43"}]},
  "word": "h\u00e9llo"
})m";

// --- status, response time, connected, certificate --------------------------------------------

TEST(condition, status_passes_when_equal) {
  EXPECT_TRUE(passes("[STATUS] == 200", http(200)));
}

TEST(condition, status_fails_with_actual_value_in_description) {
  const auto v = eval("[STATUS] == 200", http(503));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[STATUS] (503) == 200");
}

TEST(condition, status_supports_every_operator) {
  const auto obs = http(204);
  EXPECT_TRUE(passes("[STATUS] < 300", obs));
  EXPECT_FALSE(passes("[STATUS] < 204", obs));
  EXPECT_TRUE(passes("[STATUS] <= 204", obs));
  EXPECT_TRUE(passes("[STATUS] > 199", obs));
  EXPECT_FALSE(passes("[STATUS] > 204", obs));
  EXPECT_TRUE(passes("[STATUS] >= 204", obs));
  EXPECT_TRUE(passes("[STATUS] != 200", obs));
  EXPECT_FALSE(passes("[STATUS] != 204", obs));
}

TEST(condition, status_matches_any_of_a_list) {
  EXPECT_TRUE(passes("[STATUS] == any(200, 201, 204)", http(201)));
  const auto v = eval("[STATUS] == any(200,201 ,  204)", http(500));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[STATUS] (500) == any(200, 201, 204)");
}

TEST(condition, status_not_equal_any_passes_when_no_value_matches) {
  EXPECT_TRUE(passes("[STATUS] != any(500, 502)", http(200)));
  EXPECT_FALSE(passes("[STATUS] != any(500, 502)", http(502)));
}

TEST(condition, status_is_zero_without_http_response) {
  observation obs;
  EXPECT_EQ(eval("[STATUS] == 200", obs).description, "[STATUS] (0) == 200");
}

TEST(condition, response_time_fails_with_milliseconds_in_description) {
  const auto v = eval("[RESPONSE_TIME] < 500", http(200, {}, 812));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[RESPONSE_TIME] (812) < 500");
  EXPECT_TRUE(passes("[RESPONSE_TIME] < 500", http(200, {}, 499.5)));
  EXPECT_EQ(eval("[RESPONSE_TIME] < 1", http(200, {}, 2.5)).description,
            "[RESPONSE_TIME] (2.5) < 1");
}

TEST(condition, response_time_accepts_a_duration_with_unit) {
  EXPECT_TRUE(passes("[RESPONSE_TIME] < 1s", http(200, {}, 999)));
  EXPECT_FALSE(passes("[RESPONSE_TIME] < 1s", http(200, {}, 1000)));
  EXPECT_TRUE(passes("[RESPONSE_TIME] <= 500ms", http(200, {}, 500)));
}

TEST(condition, connected_compares_with_true_and_false) {
  observation down;
  const auto v = eval("[CONNECTED] == true", down);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[CONNECTED] (false) == true");
  EXPECT_TRUE(passes("[CONNECTED] == true", http(200)));
  EXPECT_TRUE(passes("[CONNECTED] != false", http(200)));
  EXPECT_TRUE(passes("[CONNECTED] == false", down));
}

TEST(condition, certificate_expiration_compares_durations) {
  auto obs = http(200);
  obs.certificate_expiration = 11h;
  const auto v = eval("[CERTIFICATE_EXPIRATION] > 48h", obs);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[CERTIFICATE_EXPIRATION] (11h) > 48h");
  obs.certificate_expiration = 72h + 30min;
  EXPECT_TRUE(passes("[CERTIFICATE_EXPIRATION] > 48h", obs));
  EXPECT_TRUE(passes("[CERTIFICATE_EXPIRATION] >= 2d", obs));
  EXPECT_FALSE(passes("[CERTIFICATE_EXPIRATION] < 1h30m", obs));
}

TEST(condition, certificate_expiration_fails_without_tls) {
  const auto v = eval("[CERTIFICATE_EXPIRATION] > 48h", http(200));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[CERTIFICATE_EXPIRATION] (no certificate) > 48h");
}

TEST(condition, certificate_expiration_shows_expired_certificates_as_negative) {
  auto obs = http(200);
  obs.certificate_expiration = -2h;
  EXPECT_EQ(eval("[CERTIFICATE_EXPIRATION] > 1h", obs).description,
            "[CERTIFICATE_EXPIRATION] (-2h) > 1h");
}

// --- body ---------------------------------------------------------------------------------------

TEST(condition, body_equals_text) {
  EXPECT_TRUE(passes("[BODY] == ok", http(200, "ok")));
  const auto v = eval("[BODY] == ok", http(200, "nope"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY] (nope) == ok");
}

TEST(condition, body_ignores_surrounding_whitespace) {
  EXPECT_TRUE(passes("[BODY] == ok", http(200, "ok\n")));
  EXPECT_TRUE(passes("[BODY] == all good", http(200, "  all good\r\n")));
}

TEST(condition, body_compares_numerically_with_a_number) {
  EXPECT_TRUE(passes("[BODY] == 42", http(200, "42.0\n")));
  EXPECT_TRUE(passes("[BODY] > 41", http(200, "42")));
  EXPECT_FALSE(passes("[BODY] > 41", http(200, "many")));
}

TEST(condition, body_matches_a_pattern) {
  EXPECT_TRUE(passes("[BODY] == pat(*healthy*)", http(200, "service is healthy today")));
  const auto v = eval("[BODY] == pat(*healthy*)", http(200, "sick"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY] (sick) == pat(*healthy*)");
  EXPECT_TRUE(passes("[BODY] != pat(*error*)", http(200, "fine")));
  EXPECT_FALSE(passes("[BODY] != pat(*error*)", http(200, "an error")));
}

TEST(condition, body_path_compares_a_json_string_without_quotes) {
  EXPECT_TRUE(passes("[BODY].status == UP", http(200, json_body)));
  const auto v = eval("[BODY].status == ok", http(200, R"m({"status":"down"})m"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY].status (down) == ok");
}

TEST(condition, body_path_follows_keys_and_indexes) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[BODY].data.items[0].id == 42", obs));
  EXPECT_TRUE(passes("[BODY].data.items[0].tag == x", obs));
  EXPECT_TRUE(passes("[BODY].data.items[1].id == 43", obs));  // numeric string
  EXPECT_EQ(eval("[BODY].data.items[0].id == 41", obs).description,
            "[BODY].data.items[0].id (42) == 41");
}

TEST(condition, body_path_starts_at_an_array_root) {
  const auto obs = http(200, R"m([{"name": "x"}, {"name": "y"}])m");
  EXPECT_TRUE(passes("[BODY][0].name == x", obs));
  EXPECT_TRUE(passes("[BODY][1].name == y", obs));
  EXPECT_EQ(eval("[BODY][2].name == z", obs).description, "[BODY][2].name (missing) == z");
}

TEST(condition, body_path_matches_any_of_a_list) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[BODY].name == any(john, jane)", obs));
  EXPECT_FALSE(passes("[BODY].name == any(jim, jane)", obs));
  EXPECT_TRUE(passes("[BODY].name != any(jim, jane)", obs));
  EXPECT_TRUE(passes("[BODY].count == any(abc, 7)", obs));
}

TEST(condition, body_path_compares_numbers_numerically) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[BODY].count > 5", obs));
  EXPECT_TRUE(passes("[BODY].count == 7.0", obs));
  EXPECT_TRUE(passes("[BODY].count_text >= 7", obs));
  EXPECT_TRUE(passes("[BODY].ratio < 1", obs));
  EXPECT_FALSE(passes("[BODY].count < 7", obs));
  EXPECT_TRUE(passes("[BODY].count != 8", obs));
}

TEST(condition, body_path_with_a_non_numeric_value_fails_a_numeric_comparison) {
  const auto obs = http(200, json_body);
  EXPECT_FALSE(passes("[BODY].name == 1", obs));
  EXPECT_FALSE(passes("[BODY].name != 1", obs));
  EXPECT_FALSE(passes("[BODY].name > 1", obs));
  EXPECT_EQ(eval("[BODY].name > 1", obs).description, "[BODY].name (john) > 1");
}

TEST(condition, body_path_compares_booleans_with_json_booleans_or_strings) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[BODY].ok == true", obs));
  EXPECT_TRUE(passes("[BODY].ok != false", obs));
  EXPECT_TRUE(passes("[BODY].ok_text == true", obs));
  EXPECT_FALSE(passes("[BODY].count == true", obs));
  EXPECT_EQ(eval("[BODY].ok == false", obs).description, "[BODY].ok (true) == false");
}

TEST(condition, body_path_compares_other_json_values_by_compact_dump) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes(R"m([BODY].obj == {"a":1,"b":[1,2]})m", obs));
  EXPECT_TRUE(passes("[BODY].nothing == null", obs));
  EXPECT_TRUE(passes("[BODY].empty == []", obs));
  EXPECT_EQ(eval("[BODY].obj.b == x", obs).description, "[BODY].obj.b ([1,2]) == x");
}

TEST(condition, body_path_fails_when_missing) {
  const auto obs = http(200, json_body);
  const auto v = eval("[BODY].health == UP", obs);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY].health (missing) == UP");
  // A missing value is not "different": != fails too.
  EXPECT_FALSE(passes("[BODY].health != UP", obs));
  EXPECT_FALSE(passes("[BODY].status.deeper == UP", obs));
  EXPECT_FALSE(passes("[BODY].data.items[9].id == 1", obs));
  EXPECT_FALSE(passes("[BODY].data[0] == 1", obs));        // index on an object
  EXPECT_FALSE(passes("[BODY].data.items.id == 1", obs));  // key on an array
}

TEST(condition, body_path_fails_when_body_is_not_json) {
  const auto v = eval("[BODY].status == UP", http(200, "<html>down</html>"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY].status (body is not JSON) == UP");
  EXPECT_EQ(eval("[BODY].status == UP", http(200)).description,
            "[BODY].status (body is not JSON) == UP");
  EXPECT_FALSE(passes("[BODY].status != UP", http(200, "{")));
}

TEST(condition, body_path_fails_when_json_is_nested_too_deeply) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  const auto v = eval("[BODY][0] == 1", http(200, deep));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY][0] (body JSON is nested too deeply) == 1");
  // Brackets inside strings do not count.
  const std::string text = R"m({"a": ")m" + std::string(1000, '[') + R"m("})m";
  EXPECT_TRUE(passes("len([BODY].a) == 1000", http(200, text)));
}

TEST(condition, body_with_only_a_root_does_not_need_json) {
  EXPECT_TRUE(passes("[BODY] == pat(<html>*)", http(200, "<html>up</html>")));
}

// --- len() and has() ----------------------------------------------------------------------------

TEST(condition, len_counts_array_items) {
  EXPECT_TRUE(passes("len([BODY].data.items) > 0", http(200, json_body)));
  const auto v = eval("len([BODY].items) > 0", http(200, R"m({"items": []})m"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "len([BODY].items) (0) > 0");
}

TEST(condition, len_counts_object_members_and_string_bytes) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("len([BODY].obj) == 2", obs));
  EXPECT_TRUE(passes("len([BODY].name) == 4", obs));
  EXPECT_TRUE(passes("len([BODY].count) == 1", obs));
  EXPECT_TRUE(passes("len([BODY][0]) == 3", http(200, "[[1, 2, 3]]")));
}

TEST(condition, len_of_body_is_its_length) {
  EXPECT_TRUE(passes("len([BODY]) == 5", http(200, "hello")));
  EXPECT_TRUE(passes("len([BODY]) == 0", http(200)));
  EXPECT_EQ(eval("len([BODY]) > 10", http(200, "not json")).description, "len([BODY]) (8) > 10");
}

TEST(condition, len_fails_when_path_is_missing) {
  EXPECT_EQ(eval("len([BODY].items) > 0", http(200, "{}")).description,
            "len([BODY].items) (missing) > 0");
  EXPECT_EQ(eval("len([BODY].items) > 0", http(200, "oops")).description,
            "len([BODY].items) (body is not JSON) > 0");
}

TEST(condition, has_tells_whether_a_path_exists) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("has([BODY].errors) == false", obs));
  EXPECT_TRUE(passes("has([BODY].status) == true", obs));
  EXPECT_TRUE(passes("has([BODY].nothing) == true", obs));  // null still exists
  const auto v = eval("has([BODY].errors) == false", http(200, R"m({"errors": ["x"]})m"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "has([BODY].errors) (true) == false");
}

TEST(condition, has_fails_when_body_is_not_json) {
  EXPECT_EQ(eval("has([BODY].errors) == false", http(200, "fine")).description,
            "has([BODY].errors) (body is not JSON) == false");
}

TEST(condition, has_of_body_tells_whether_there_is_a_body) {
  EXPECT_TRUE(passes("has([BODY]) == true", http(200, "x")));
  EXPECT_TRUE(passes("has([BODY]) == false", http(200)));
}

// --- syntax ------------------------------------------------------------------------------------

TEST(condition, parses_without_optional_whitespace) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[STATUS]==200", obs));
  EXPECT_TRUE(passes("[STATUS]<=200", obs));
  EXPECT_TRUE(passes("[BODY].count!=8", obs));
  EXPECT_TRUE(passes("len([BODY].data.items)>1", obs));
  EXPECT_TRUE(passes("  len ( [BODY].data.items )  >  1  ", obs));
  EXPECT_TRUE(passes("[STATUS]==any(200,201)", obs));
  EXPECT_TRUE(passes("[BODY].name==pat(j*)", obs));
  EXPECT_TRUE(passes("\t[STATUS] ==\t200\n", obs));
}

TEST(condition, keys_may_hold_dashes_and_digits) {
  const auto obs = http(200, R"m({"x-ray": {"0": "a", "v_2": 5}})m");
  EXPECT_TRUE(passes("[BODY].x-ray.0 == a", obs));
  EXPECT_TRUE(passes("[BODY].x-ray.v_2 == 5", obs));
}

TEST(condition, text_is_kept_as_given) {
  const auto c = condition::parse(" [STATUS]==200 ");
  EXPECT_EQ(c.text(), " [STATUS]==200 ");
}

TEST(condition, description_uses_canonical_spacing) {
  EXPECT_EQ(eval("[STATUS]==200", http(500)).description, "[STATUS] (500) == 200");
  EXPECT_EQ(eval("len( [BODY] )>9", http(200)).description, "len([BODY]) (0) > 9");
}

TEST(condition, needs_body_only_when_the_body_is_read) {
  EXPECT_FALSE(condition::parse("[STATUS] == 200").needs_body());
  EXPECT_FALSE(condition::parse("[RESPONSE_TIME] < 5").needs_body());
  EXPECT_FALSE(condition::parse("[CONNECTED] == true").needs_body());
  EXPECT_FALSE(condition::parse("[CERTIFICATE_EXPIRATION] > 1h").needs_body());
  EXPECT_TRUE(condition::parse("[BODY] == ok").needs_body());
  EXPECT_TRUE(condition::parse("[BODY].a == ok").needs_body());
  EXPECT_TRUE(condition::parse("len([BODY]) > 0").needs_body());
  EXPECT_TRUE(condition::parse("has([BODY].a) == true").needs_body());
}

TEST(condition, body_value_may_contain_spaces) {
  EXPECT_TRUE(passes("[BODY].msg == all systems go", http(200, R"m({"msg":"all systems go"})m")));
}

// --- glob ---------------------------------------------------------------------------------------

TEST(condition, glob_star_matches_any_run_including_empty) {
  EXPECT_TRUE(passes("[BODY] == pat(*)", http(200)));
  EXPECT_TRUE(passes("[BODY] == pat(*)", http(200, "anything")));
  EXPECT_TRUE(passes("[BODY] == pat(a*)", http(200, "a")));
  EXPECT_TRUE(passes("[BODY] == pat(a*b*c)", http(200, "aXXbYYc")));
  EXPECT_TRUE(passes("[BODY] == pat(a*b*c)", http(200, "abc")));
  EXPECT_FALSE(passes("[BODY] == pat(a*b*c)", http(200, "aXXbYYcd")));
  EXPECT_TRUE(passes("[BODY] == pat(**x**)", http(200, "x")));
  EXPECT_TRUE(passes("[BODY] == pat(*ab)", http(200, "aab")));
}

TEST(condition, glob_question_mark_matches_exactly_one_character) {
  EXPECT_TRUE(passes("[BODY] == pat(a?c)", http(200, "abc")));
  EXPECT_FALSE(passes("[BODY] == pat(a?c)", http(200, "ac")));
  EXPECT_FALSE(passes("[BODY] == pat(a?c)", http(200, "abbc")));
  EXPECT_TRUE(passes("[BODY].word == pat(h?llo)", http(200, json_body)));  // é is one character
  EXPECT_TRUE(passes("[BODY] == pat(*?)", http(200, "\xC3\xA9")));
  EXPECT_FALSE(passes("[BODY] == pat(?)", http(200)));
}

TEST(condition, glob_without_wildcards_matches_whole_text_only) {
  EXPECT_TRUE(passes("[BODY] == pat(ok)", http(200, "ok")));
  EXPECT_FALSE(passes("[BODY] == pat(ok)", http(200, "ok!")));
  EXPECT_FALSE(passes("[BODY] == pat(ok)", http(200, "not ok")));
}

TEST(condition, glob_pattern_may_contain_parentheses) {
  EXPECT_TRUE(passes("[BODY] == pat(*(beta)*)", http(200, "v2 (beta) build")));
}

TEST(condition, glob_matches_json_values_by_their_text) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[BODY].status == pat(U?)", obs));
  EXPECT_TRUE(passes("[BODY].count == pat(7)", obs));
  EXPECT_TRUE(passes(R"m([BODY].obj == pat({"a":1*))m", obs));
  EXPECT_FALSE(passes("[BODY].missing == pat(*)", obs));
}

TEST(condition, glob_stays_fast_on_pathological_patterns) {
  const std::string body(100000, 'a');
  EXPECT_FALSE(passes("[BODY] == pat(*a*a*a*a*a*a*a*a*b)", http(200, body)));
  EXPECT_TRUE(passes("[BODY] == pat(*a*a*a*a*a*a*a*a*)", http(200, body)));
}

// --- descriptions ------------------------------------------------------------------------------

TEST(condition, description_shortens_long_values) {
  const std::string body(1000, 'x');
  const auto v = eval("[BODY] == ok", http(200, body));
  EXPECT_EQ(v.description, "[BODY] (" + std::string(80, 'x') + "...) == ok");
}

TEST(condition, description_does_not_cut_a_character_in_half) {
  std::string body(79, 'x');
  body += "\xC3\xA9\xC3\xA9";
  EXPECT_EQ(eval("[BODY] == ok", http(200, body)).description,
            "[BODY] (" + std::string(79, 'x') + "...) == ok");
}

TEST(condition, description_stays_on_one_line) {
  const auto v = eval("[BODY].msg == ok", http(200, R"m({"msg": "line 1\nline 2\u0001"})m"));
  EXPECT_EQ(v.description, "[BODY].msg (line 1\\nline 2\\x01) == ok");
}

TEST(condition, evaluate_describes_passing_conditions_too) {
  const auto v = eval("[STATUS] == 200", http(200));
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.description, "[STATUS] (200) == 200");
}

// --- evaluate_all --------------------------------------------------------------------------------

TEST(condition, evaluate_all_returns_only_failures_in_order) {
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

TEST(condition, evaluate_all_returns_nothing_when_all_pass) {
  const std::vector<condition> conditions = {
      condition::parse("[STATUS] == 200"),
      condition::parse("[BODY].status == UP"),
      condition::parse("[CONNECTED] == true"),
  };
  EXPECT_TRUE(evaluate_all(conditions, http(200, json_body)).empty());
  EXPECT_TRUE(evaluate_all({}, http(200)).empty());
}

TEST(condition, evaluate_all_reports_non_json_for_each_path_condition) {
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

TEST(condition, copies_evaluate_concurrently) {
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

// --- parse errors ------------------------------------------------------------------------------

TEST(condition, rejects_text_for_a_number) {
  EXPECT_EQ(parse_error("[STATUS] == abc"),
            R"m(condition "[STATUS] == abc": [STATUS] is a number, cannot compare it with "abc")m");
  EXPECT_EQ(parse_error("[STATUS] > 2xx"),
            R"m(condition "[STATUS] > 2xx": [STATUS] is a number, cannot compare it with "2xx")m");
  EXPECT_THAT(
      parse_error("[RESPONSE_TIME] < fast"),
      HasSubstr(R"m([RESPONSE_TIME] is a number of milliseconds, cannot compare it with "fast")m"));
  EXPECT_THAT(parse_error("len([BODY]) > many"),
              HasSubstr(R"m(len([BODY]) is a number, cannot compare it with "many")m"));
  EXPECT_THAT(parse_error("[STATUS] == nan"), HasSubstr("is a number"));
  EXPECT_THAT(parse_error("[STATUS] == any(200, OK)"), HasSubstr(R"m(compare it with "OK")m"));
}

TEST(condition, rejects_trailing_junk) {
  EXPECT_THAT(parse_error("[STATUS] == 200 OK"), HasSubstr(R"m(compare it with "200 OK")m"));
  EXPECT_THAT(parse_error("[CONNECTED] == true x"), HasSubstr(R"m(compare it with "true x")m"));
  EXPECT_EQ(parse_error("[BODY] == any(a, b) c"),
            R"m(condition "[BODY] == any(a, b) c": unexpected "c" after any(...))m");
  EXPECT_THAT(parse_error("[BODY] == pat(a*) c"), HasSubstr(R"m(unexpected "c" after pat(...))m"));
  EXPECT_THAT(
      parse_error("len([BODY]) x > 1"),
      HasSubstr(
          R"m(expected an operator (==, !=, <, <=, >, >=) after len([BODY]), found "x > 1")m"));
  EXPECT_THAT(parse_error("[STATUS] === 200"), HasSubstr("one operator only"));
  EXPECT_THAT(parse_error("[STATUS] <> 200"), HasSubstr("one operator only"));
}

TEST(condition, rejects_ordering_or_odd_values_for_booleans) {
  EXPECT_EQ(
      parse_error("[CONNECTED] < 1"),
      R"m(condition "[CONNECTED] < 1": [CONNECTED] is true or false, compare it with == or !=, not <)m");
  EXPECT_EQ(
      parse_error("[CONNECTED] == maybe"),
      R"m(condition "[CONNECTED] == maybe": [CONNECTED] is true or false, cannot compare it with "maybe")m");
  EXPECT_THAT(parse_error("has([BODY].a) == 1"), HasSubstr("is true or false"));
  EXPECT_THAT(parse_error("[CONNECTED] == TRUE"), HasSubstr("is true or false"));
  EXPECT_THAT(parse_error("[BODY].ok > true"),
              HasSubstr("true and false can only be compared with == or !=, not >"));
}

TEST(condition, rejects_len_and_has_of_non_body) {
  EXPECT_EQ(
      parse_error("len([STATUS]) > 1"),
      R"m(condition "len([STATUS]) > 1": len() takes [BODY] or a [BODY] path, not [STATUS])m");
  EXPECT_THAT(parse_error("has([CONNECTED]) == true"),
              HasSubstr("has() takes [BODY] or a [BODY] path, not [CONNECTED]"));
  EXPECT_THAT(parse_error("len(x) > 1"),
              HasSubstr(R"m(len() takes [BODY] or a [BODY] path, found "x) > 1")m"));
  EXPECT_THAT(parse_error("len([BODY] > 1"),
              HasSubstr(R"m(expected ) to close len(), found "> 1")m"));
  EXPECT_THAT(parse_error("len [BODY] > 1"), HasSubstr("expected ( after len"));
}

TEST(condition, rejects_durations_without_units) {
  EXPECT_EQ(parse_error("[CERTIFICATE_EXPIRATION] > 5"),
            "condition \"[CERTIFICATE_EXPIRATION] > 5\": [CERTIFICATE_EXPIRATION] is a duration, "
            "cannot compare it with \"5\": invalid duration '5': missing or unknown unit (use ns, "
            "us, ms, s, m, h or d)");
  EXPECT_THAT(parse_error("[CERTIFICATE_EXPIRATION] > soon"), HasSubstr("is a duration"));
  EXPECT_THAT(parse_error("[CERTIFICATE_EXPIRATION] > -1h"), HasSubstr("is a duration"));
}

TEST(condition, rejects_malformed_paths) {
  EXPECT_EQ(parse_error("[BODY].a. == x"),
            R"m(condition "[BODY].a. == x": empty key after "[BODY].a.")m");
  EXPECT_EQ(
      parse_error("[BODY].a[x] == 1"),
      R"m(condition "[BODY].a[x] == 1": array index must be a whole number like [0], found [x] after "[BODY].a")m");
  EXPECT_THAT(parse_error("[BODY]. == x"), HasSubstr(R"m(empty key after "[BODY].")m"));
  EXPECT_THAT(parse_error("[BODY].a..b == x"), HasSubstr(R"m(empty key after "[BODY].a.")m"));
  EXPECT_THAT(parse_error("[BODY].a[] == 1"), HasSubstr("found [] after"));
  EXPECT_THAT(parse_error("[BODY].a[-1] == 1"), HasSubstr("found [-1] after"));
  EXPECT_THAT(parse_error("[BODY].a[*] == 1"), HasSubstr("found [*] after"));
  EXPECT_THAT(parse_error("[BODY].a[1 ] == 1"), HasSubstr("found [1 ] after"));
  EXPECT_THAT(parse_error("[BODY].a[1 == 2"), HasSubstr(R"m(unterminated [ after "[BODY].a")m"));
  EXPECT_THAT(parse_error("[BODY].a[99999999999999999999999] == 1"), HasSubstr("too large"));
  EXPECT_THAT(parse_error("[STATUS].code == 1"),
              HasSubstr("only [BODY] takes a path, not [STATUS]"));
  EXPECT_THAT(parse_error("[BODY].a[0]x == 1"), HasSubstr(R"m(found "x == 1")m"));
}

TEST(condition, rejects_unknown_placeholders) {
  EXPECT_EQ(
      parse_error("[FOO] == 1"),
      R"m(condition "[FOO] == 1": unknown placeholder [FOO] (expected [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED] or [CERTIFICATE_EXPIRATION]))m");
  EXPECT_THAT(parse_error("[status] == 1"), HasSubstr("unknown placeholder [status]"));
  EXPECT_THAT(parse_error("[STATUS == 200"),
              HasSubstr(R"m(unterminated placeholder "[STATUS == 200")m"));
  EXPECT_THAT(parse_error("[STATUS == 1] == 1"), HasSubstr("unknown placeholder [STATUS == 1]"));
  EXPECT_THAT(parse_error("[STATUS"), HasSubstr(R"m(unterminated placeholder "[STATUS")m"));
  EXPECT_THAT(
      parse_error("200 == [STATUS]"),
      HasSubstr(
          R"m(expected a placeholder such as [STATUS] or [BODY], len(...) or has(...), found "200 == [STATUS]")m"));
  EXPECT_THAT(parse_error("foo([BODY]) == 1"), HasSubstr(R"m(found "foo([BODY]) == 1")m"));
  EXPECT_THAT(parse_error("any([BODY]) == 1"), HasSubstr("any() belongs on the right-hand side"));
}

TEST(condition, rejects_patterns_on_typed_placeholders) {
  EXPECT_EQ(parse_error("[STATUS] == pat(2*)"),
            R"m(condition "[STATUS] == pat(2*)": pat() matches text, but [STATUS] is a number)m");
  EXPECT_THAT(parse_error("[CONNECTED] == pat(t*)"), HasSubstr("[CONNECTED] is true or false"));
  EXPECT_THAT(parse_error("[CERTIFICATE_EXPIRATION] == pat(1*)"), HasSubstr("is a duration"));
  EXPECT_THAT(parse_error("len([BODY]) == pat(1*)"), HasSubstr("is a number"));
}

TEST(condition, rejects_ordering_with_any_or_pat) {
  EXPECT_EQ(parse_error("[STATUS] < any(200, 300)"),
            R"m(condition "[STATUS] < any(200, 300)": any() works only with == and !=, not <)m");
  EXPECT_THAT(parse_error("[BODY] >= pat(a*)"),
              HasSubstr("pat() works only with == and !=, not >="));
}

TEST(condition, rejects_ordering_of_text) {
  EXPECT_EQ(
      parse_error("[BODY].version > abc"),
      R"m(condition "[BODY].version > abc": "abc" cannot be ordered with >: it is not a number (use == or !=))m");
}

TEST(condition, rejects_empty_or_incomplete_conditions) {
  EXPECT_EQ(parse_error(""), R"m(condition "": empty condition)m");
  EXPECT_EQ(parse_error(" \t\n"), R"m(condition " \t\n": empty condition)m");
  EXPECT_EQ(
      parse_error("[STATUS]"),
      R"m(condition "[STATUS]": missing operator (==, !=, <, <=, >, >=) and value after [STATUS])m");
  EXPECT_EQ(
      parse_error("[STATUS] 200"),
      R"m(condition "[STATUS] 200": expected an operator (==, !=, <, <=, >, >=) after [STATUS], found "200")m");
  EXPECT_THAT(parse_error("[STATUS] = 200"), HasSubstr("(use == for equality)"));
  EXPECT_EQ(parse_error("[STATUS] == "),
            R"m(condition "[STATUS] == ": missing value after [STATUS] ==)m");
}

TEST(condition, rejects_malformed_lists_and_patterns) {
  EXPECT_THAT(parse_error("[STATUS] == any()"), HasSubstr("any() needs at least one value"));
  EXPECT_THAT(parse_error("[STATUS] == any(1,,2)"), HasSubstr("any() has an empty value"));
  EXPECT_THAT(parse_error("[STATUS] == any(1,2,)"), HasSubstr("any() has an empty value"));
  EXPECT_THAT(parse_error("[STATUS] == any(1, 2"), HasSubstr("missing ) to close any("));
  EXPECT_THAT(parse_error("[BODY] == pat(a*"), HasSubstr("missing ) to close pat("));
  EXPECT_THAT(parse_error("[BODY] == pat( )"), HasSubstr("pat() needs a pattern"));
}

TEST(condition, error_messages_stay_on_one_line) {
  const auto message = parse_error("[STATUS] ==\n\"a\"\x01");
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_THAT(message, StartsWith(R"m(condition "[STATUS] ==\n\"a\"\x01": )m"));
}

TEST(condition, condition_error_is_a_runtime_error) {
  EXPECT_THROW(condition::parse("[FOO] == 1"), std::runtime_error);
}

}  // namespace
}  // namespace fleetcheck::conditions
