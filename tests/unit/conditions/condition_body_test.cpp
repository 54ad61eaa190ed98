// [BODY]: the body as text, JSON paths into it, len() and has().

#include <string>

#include <gtest/gtest.h>

#include "condition_test_support.hpp"

namespace fleetcheck::conditions::testing {
namespace {

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

// --- the body as text ---------------------------------------------------------------------------

TEST(condition_body, equals_text) {
  EXPECT_TRUE(passes("[BODY] == ok", http(200, "ok")));
  const auto v = eval("[BODY] == ok", http(200, "nope"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY] (nope) == ok");
}

TEST(condition_body, ignores_surrounding_whitespace) {
  EXPECT_TRUE(passes("[BODY] == ok", http(200, "ok\n")));
  EXPECT_TRUE(passes("[BODY] == all good", http(200, "  all good\r\n")));
}

TEST(condition_body, compares_with_a_number_as_gatus_does) {
  EXPECT_TRUE(passes("[BODY] == 42", http(200, "42\n")));
  EXPECT_TRUE(passes("[BODY] > 41", http(200, "42")));
  EXPECT_FALSE(passes("[BODY] > 41", http(200, "many")));
}

TEST(condition_body, matches_a_pattern) {
  EXPECT_TRUE(passes("[BODY] == pat(*healthy*)", http(200, "service is healthy today")));
  const auto v = eval("[BODY] == pat(*healthy*)", http(200, "sick"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY] (sick) == pat(*healthy*)");
  EXPECT_TRUE(passes("[BODY] != pat(*error*)", http(200, "fine")));
  EXPECT_FALSE(passes("[BODY] != pat(*error*)", http(200, "an error")));
  EXPECT_TRUE(passes("[BODY] == pat(<html>*)", http(200, "<html>up</html>")));
}

// --- JSON paths ----------------------------------------------------------------------------------

TEST(condition_body, path_compares_a_json_string_without_quotes) {
  EXPECT_TRUE(passes("[BODY].status == UP", http(200, json_body)));
  const auto v = eval("[BODY].status == ok", http(200, R"m({"status":"down"})m"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY].status (down) == ok");
}

TEST(condition_body, path_follows_keys_and_indexes) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[BODY].data.items[0].id == 42", obs));
  EXPECT_TRUE(passes("[BODY].data.items[0].tag == x", obs));
  EXPECT_TRUE(passes("[BODY].data.items[1].id == 43", obs));  // numeric string
  EXPECT_EQ(eval("[BODY].data.items[0].id == 41", obs).description,
            "[BODY].data.items[0].id (42) == 41");
}

TEST(condition_body, path_starts_at_an_array_root) {
  const auto obs = http(200, R"m([{"name": "x"}, {"name": "y"}])m");
  EXPECT_TRUE(passes("[BODY][0].name == x", obs));
  EXPECT_TRUE(passes("[BODY][1].name == y", obs));
  EXPECT_EQ(eval("[BODY][2].name == z", obs).description, "[BODY][2].name (missing) == z");
}

TEST(condition_body, path_matches_any_of_a_list) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[BODY].name == any(john, jane)", obs));
  EXPECT_FALSE(passes("[BODY].name == any(jim, jane)", obs));
  EXPECT_TRUE(passes("[BODY].name != any(jim, jane)", obs));
  EXPECT_TRUE(passes("[BODY].count == any(abc, 7)", obs));
}

TEST(condition_body, path_compares_numbers_numerically) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[BODY].count > 5", obs));
  EXPECT_TRUE(passes("[BODY].count == 7.0", obs));
  EXPECT_TRUE(passes("[BODY].count_text >= 7", obs));
  EXPECT_TRUE(passes("[BODY].ratio < 1", obs));
  EXPECT_TRUE(passes("[BODY].ratio == 0.5", obs));
  EXPECT_FALSE(passes("[BODY].count < 7", obs));
  EXPECT_TRUE(passes("[BODY].count != 8", obs));
}

TEST(condition_body, path_with_a_non_numeric_value_never_equals_a_number) {
  const auto obs = http(200, json_body);
  EXPECT_FALSE(passes("[BODY].name == 1", obs));
  EXPECT_FALSE(passes("[BODY].name > 1", obs));
  EXPECT_EQ(eval("[BODY].name > 1", obs).description, "[BODY].name (john) > 1");
}

TEST(condition_body, path_compares_booleans_with_json_booleans_or_strings) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("[BODY].ok == true", obs));
  EXPECT_TRUE(passes("[BODY].ok != false", obs));
  EXPECT_TRUE(passes("[BODY].ok_text == true", obs));
  EXPECT_FALSE(passes("[BODY].count == true", obs));
  EXPECT_EQ(eval("[BODY].ok == false", obs).description, "[BODY].ok (true) == false");
  EXPECT_TRUE(passes("[BODY].ok == [CONNECTED]", obs));
}

TEST(condition_body, path_compares_arrays_and_objects_by_compact_json) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes(R"m([BODY].obj == {"a":1,"b":[1,2]})m", obs));
  EXPECT_TRUE(passes("[BODY].empty == []", obs));
  EXPECT_EQ(eval("[BODY].obj.b == x", obs).description, "[BODY].obj.b ([1,2]) == x");
  EXPECT_TRUE(passes(R"m([BODY].obj == pat({"a":1*))m", obs));
}

// As in Gatus: a value that is not there equals nothing, so == fails and != passes.
TEST(condition_body, path_that_is_missing_equals_nothing) {
  const auto obs = http(200, json_body);
  const auto v = eval("[BODY].health == UP", obs);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY].health (missing) == UP");
  EXPECT_TRUE(passes("[BODY].health != UP", obs));
  EXPECT_FALSE(passes("[BODY].status.deeper == UP", obs));
  EXPECT_FALSE(passes("[BODY].data.items[9].id == 1", obs));
  EXPECT_FALSE(passes("[BODY].data[0] == 1", obs));        // index on an object
  EXPECT_FALSE(passes("[BODY].data.items.id == 1", obs));  // key on an array
  EXPECT_FALSE(passes("[BODY].missing == pat(*)", obs));
  EXPECT_FALSE(passes("[BODY].missing == [BODY].also_missing", obs));
}

// JSON null counts as absent, as in Gatus's jsonpath.
TEST(condition_body, json_null_counts_as_missing) {
  const auto obs = http(200, json_body);
  const auto v = eval("[BODY].nothing == null", obs);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY].nothing (null) == null");
  EXPECT_TRUE(passes("has([BODY].nothing) == false", obs));
  EXPECT_TRUE(passes("has([BODY].errors) == false", http(200, R"({"errors": null})")));
  EXPECT_EQ(eval("len([BODY].nothing) > 0", obs).description, "len([BODY].nothing) (null) > 0");
}

TEST(condition_body, path_on_a_body_that_is_not_json) {
  const auto v = eval("[BODY].status == UP", http(200, "<html>down</html>"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY].status (body is not JSON) == UP");
  EXPECT_EQ(eval("[BODY].status == UP", http(200)).description,
            "[BODY].status (body is not JSON) == UP");
  EXPECT_TRUE(passes("[BODY].status != UP", http(200, "{")));
}

TEST(condition_body, value_may_contain_spaces) {
  EXPECT_TRUE(passes("[BODY].msg == all systems go", http(200, R"m({"msg":"all systems go"})m")));
}

// --- len() ---------------------------------------------------------------------------------------

TEST(condition_body, len_counts_array_items) {
  EXPECT_TRUE(passes("len([BODY].data.items) > 0", http(200, json_body)));
  const auto v = eval("len([BODY].items) > 0", http(200, R"m({"items": []})m"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "len([BODY].items) (0) > 0");
}

// Gatus counts an object's minified JSON characters; fleetcheck counts its members.
TEST(condition_body, len_counts_object_members_and_string_bytes) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("len([BODY].obj) == 2", obs));
  EXPECT_TRUE(passes("len([BODY].name) == 4", obs));
  EXPECT_TRUE(passes("len([BODY].word) == 6", obs));  // bytes, as Go's len()
  EXPECT_TRUE(passes("len([BODY].count) == 1", obs));
  EXPECT_TRUE(passes("len([BODY].ratio) == 3", obs));
  EXPECT_TRUE(passes("len([BODY].ok) == 4", obs));
  EXPECT_TRUE(passes("len([BODY][0]) == 3", http(200, "[[1, 2, 3]]")));
}

TEST(condition_body, len_of_body_counts_elements_members_or_bytes) {
  EXPECT_TRUE(passes("len([BODY]) == 3", http(200, "[1, 2, 3]\n")));
  EXPECT_TRUE(passes("len([BODY]) == 2", http(200, R"({"a": 1, "b": 2})")));
  EXPECT_TRUE(passes("len([BODY]) == 5", http(200, "hello")));
  EXPECT_TRUE(passes("len([BODY]) == 5", http(200, "[abc]")));  // not JSON: bytes
  EXPECT_TRUE(passes("len([BODY]) == 0", http(200)));
  EXPECT_EQ(eval("len([BODY]) > 10", http(200, "not json")).description, "len([BODY]) (8) > 10");
}

TEST(condition_body, len_fails_when_path_is_missing) {
  EXPECT_EQ(eval("len([BODY].items) > 0", http(200, "{}")).description,
            "len([BODY].items) (missing) > 0");
  EXPECT_EQ(eval("len([BODY].items) > 0", http(200, "oops")).description,
            "len([BODY].items) (body is not JSON) > 0");
  EXPECT_FALSE(passes("len([BODY].items) == 0", http(200, "{}")));
}

// --- has() ---------------------------------------------------------------------------------------

TEST(condition_body, has_tells_whether_a_path_exists) {
  const auto obs = http(200, json_body);
  EXPECT_TRUE(passes("has([BODY].errors) == false", obs));
  EXPECT_TRUE(passes("has([BODY].status) == true", obs));
  EXPECT_TRUE(passes("has([BODY].empty) == true", obs));
  const auto v = eval("has([BODY].errors) == false", http(200, R"m({"errors": ["x"]})m"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "has([BODY].errors) (true) == false");
}

TEST(condition_body, has_is_false_when_body_is_not_json) {
  const auto v = eval("has([BODY].errors) == false", http(200, "fine"));
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.description, "has([BODY].errors) (false) == false");
  EXPECT_FALSE(passes("has([BODY].errors) == true", http(200)));
}

TEST(condition_body, has_of_body_tells_whether_there_is_a_body) {
  EXPECT_TRUE(passes("has([BODY]) == true", http(200, "x")));
  EXPECT_TRUE(passes("has([BODY]) == false", http(200)));
  EXPECT_TRUE(passes("has([BODY]) == false", http(200, " \r\n")));
}

}  // namespace
}  // namespace fleetcheck::conditions::testing
