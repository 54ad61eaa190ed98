#include "fleetcheck/core/duration.hpp"

#include <gtest/gtest.h>

using fleetcheck::core::format_duration;
using fleetcheck::core::parse_duration;
using namespace std::chrono_literals;

TEST(duration, parses_every_unit) {
  EXPECT_EQ(parse_duration("250ns"), 250ns);
  EXPECT_EQ(parse_duration("15us"), 15us);
  EXPECT_EQ(parse_duration("200ms"), 200ms);
  EXPECT_EQ(parse_duration("2s"), 2s);
  EXPECT_EQ(parse_duration("3m"), 3min);
  EXPECT_EQ(parse_duration("48h"), 48h);
  EXPECT_EQ(parse_duration("1d"), 24h);
}

TEST(duration, parses_fractions_and_compound_forms) {
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("0.25ms"), 250us);
  EXPECT_EQ(parse_duration("1m30s"), 90s);
  EXPECT_EQ(parse_duration("1h2m3s"), 3723s);
}

TEST(duration, rejects_bad_text_with_a_reason) {
  for (const char* bad : {"", "2", "s", "ms", "2x", "-1s", "1.2.3s", "2 s", "1s2", "abc"}) {
    try {
      parse_duration(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_FALSE(std::string(e.what()).empty());
    }
  }
}

TEST(duration, bare_number_error_mentions_units) {
  try {
    parse_duration("2");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unit"), std::string::npos) << e.what();
  }
}

TEST(duration, formats_for_people) {
  EXPECT_EQ(format_duration(200ms), "200ms");
  EXPECT_EQ(format_duration(1500ms), "1.5s");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(850us), "850us");
  EXPECT_EQ(format_duration(49h), "49h");
}
