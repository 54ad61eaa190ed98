#include "json_schema_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using fleetcheck::testkit::schema_violations;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

namespace {

// A schema in the shape of docs/report-schema.json, small enough to reason about.
const json schema = json::parse(R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "test schema",
  "$ref": "#/$defs/item",
  "$defs": {
    "count": {"type": "integer", "minimum": 0},
    "item": {
      "type": "object",
      "properties": {
        "name": {"type": "string"},
        "count": {"$ref": "#/$defs/count"},
        "kind": {"enum": ["a", "b", null]},
        "version": {"const": 1},
        "maybe": {"type": ["number", "null"], "minimum": 1},
        "tags": {"type": "array", "items": {"type": "string"}},
        "line": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
      },
      "required": ["name", "count"],
      "additionalProperties": false
    }
  }
})");

}  // namespace

TEST(json_schema_check, accepts_a_valid_document) {
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": 2})")), IsEmpty());
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": 2.0, "kind": null,
      "version": 1, "maybe": null, "tags": ["a"], "line": 3})")),
              IsEmpty())
      << "2.0 is an integer in JSON Schema; null is in the enum and the type array";
}

TEST(json_schema_check, rejects_a_wrong_type) {
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": 1, "count": 2})")),
              ElementsAre(HasSubstr("/name: 1 is not of type \"string\"")));
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": 2.5})")),
              ElementsAre(HasSubstr("/count: 2.5 is not of type \"integer\"")));
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": 1, "maybe": "1"})")),
              ElementsAre(HasSubstr("/maybe: \"1\" is not of type [\"number\",\"null\"]")));
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": 1, "tags": [2]})")),
              ElementsAre(HasSubstr("/tags/0: 2 is not of type")));
  EXPECT_THAT(schema_violations(schema, json::parse("[]")), SizeIs(1));
}

TEST(json_schema_check, rejects_a_missing_required_field) {
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x"})")),
              ElementsAre("/: the required property 'count' is missing"));
}

TEST(json_schema_check, rejects_an_extra_field) {
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": 1, "colour": 1})")),
              ElementsAre("/colour: the property 'colour' is not allowed"));
}

TEST(json_schema_check, rejects_a_bad_enum_or_const_value) {
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": 1, "kind": "c"})")),
              ElementsAre(HasSubstr("/kind: \"c\" is not one of [\"a\",\"b\",null]")));
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": 1, "version": 2})")),
              ElementsAre(HasSubstr("/version: 2 is not 1")));
}

TEST(json_schema_check, rejects_a_value_below_the_minimum_through_a_ref) {
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": -1})")),
              ElementsAre(HasSubstr("/count: -1 is below the minimum 0")));
}

TEST(json_schema_check, one_of_needs_exactly_one_match) {
  EXPECT_THAT(schema_violations(schema, json::parse(R"({"name": "x", "count": 1, "line": true})")),
              ElementsAre(HasSubstr("/line: matches 0 of the oneOf schemas")));
  const auto both = json::parse(R"({"oneOf": [{"type": "integer"}, {"type": "number"}]})");
  EXPECT_THAT(schema_violations(both, 1), ElementsAre(HasSubstr("matches 2 of the oneOf")));
}

TEST(json_schema_check, validates_against_a_named_definition) {
  EXPECT_THAT(schema_violations(schema, 3, "#/$defs/count"), IsEmpty());
  EXPECT_THAT(schema_violations(schema, -3, "#/$defs/count"), SizeIs(1));
  EXPECT_THAT(schema_violations(schema, 3, "#/$defs/nothing"),
              ElementsAre(HasSubstr("unresolvable $ref")));
}

TEST(json_schema_check, matches_strings_against_a_pattern) {
  const auto digits = json::parse(R"({"type": "string", "pattern": "^-?[0-9]+$"})");
  EXPECT_THAT(schema_violations(digits, "-12"), IsEmpty());
  EXPECT_THAT(schema_violations(digits, "12a"), ElementsAre(HasSubstr("does not match")));
  EXPECT_THAT(schema_violations(digits, 12), ElementsAre(HasSubstr("is not of type")));
}

TEST(json_schema_check, refuses_keywords_it_does_not_check) {
  const auto longest = json::parse(R"({"type": "string", "maxLength": 3})");
  EXPECT_THAT(schema_violations(longest, "b"),
              ElementsAre(HasSubstr("unsupported keyword 'maxLength'")));
}
