// config::child answers as yaml-cpp's operator[] does, without its cost for a missing key.
#include <string>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"

using fleetcheck::config::child;

namespace {

TEST(yaml_child, finds_the_value_of_a_key_that_is_there) {
  const YAML::Node map = YAML::Load("url: http://a/\ntimeout: 2s\nheaders: {X-A: b}\n");
  EXPECT_EQ(child(map, "timeout").Scalar(), "2s");
  EXPECT_EQ(child(map, "url").Mark().line, 0);
  EXPECT_EQ(child(child(map, "headers"), "X-A").Scalar(), "b");
  EXPECT_TRUE(child(map, "headers").IsMap());
}

TEST(yaml_child, a_missing_key_is_not_defined_as_with_operator_brackets) {
  const YAML::Node map = YAML::Load("url: http://a/\n");
  const auto missing = child(map, "timeout");
  EXPECT_FALSE(missing);
  EXPECT_FALSE(missing.IsDefined());
  EXPECT_EQ(static_cast<bool>(missing), static_cast<bool>(map["timeout"]));
  EXPECT_THROW((void)missing.Scalar(), YAML::InvalidNode);
  // Keys compare whole and case-sensitively, as yaml-cpp's do.
  EXPECT_FALSE(child(map, "ur"));
  EXPECT_FALSE(child(map, "URL"));
}

TEST(yaml_child, a_null_value_is_defined_but_null) {
  const YAML::Node map = YAML::Load("defaults:\nurl: x\n");
  const auto value = child(map, "defaults");
  ASSERT_TRUE(value);
  EXPECT_TRUE(value.IsNull());
}

TEST(yaml_child, anything_but_a_map_has_no_keys) {
  EXPECT_FALSE(child(YAML::Load("[a, b]"), "a"));
  EXPECT_FALSE(child(YAML::Load("just a scalar"), "just a scalar"));
  EXPECT_FALSE(child(YAML::Node(), "a"));
  EXPECT_FALSE(child(child(YAML::Load("a: 1"), "b"), "c"));  // missing, then missing again
}

TEST(yaml_child, assigning_to_a_missing_key_does_not_reach_other_lookups) {
  const YAML::Node map = YAML::Load("a: 1\n");
  auto missing = child(map, "b");
  EXPECT_THROW(missing = YAML::Node("x"), YAML::InvalidNode);
  EXPECT_FALSE(child(map, "c"));
  EXPECT_FALSE(child(map, "b"));
}

}  // namespace
