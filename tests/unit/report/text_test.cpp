#include "fleetcheck/report/text.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/report/timestamps.hpp"

using namespace fleetcheck;

TEST(printable, escapes_controls_and_invalid_utf8_and_keeps_valid_utf8) {
  EXPECT_EQ(report::printable("a\nb\tc\x01"), "a\\nb\\tc\\x01");
  EXPECT_EQ(report::printable("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(report::printable("\xff\xc3\x28"), "\\xff\\xc3(");
  EXPECT_EQ(report::printable("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "surrogates are not UTF-8";
  EXPECT_EQ(report::printable("\xe0\x80\x80"), "\\xe0\\x80\\x80") << "nor are overlong forms";
}

TEST(valid_utf8, replaces_each_bad_byte_with_the_replacement_character) {
  EXPECT_EQ(report::valid_utf8("ok"), "ok");
  EXPECT_EQ(report::valid_utf8("a\xff"
                               "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(report::valid_utf8("\xf4\x90\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd")
      << "past U+10FFFF";
}

TEST(display_width, counts_code_points_not_bytes) {
  EXPECT_EQ(report::display_width(""), 0u);
  EXPECT_EQ(report::display_width("abc"), 3u);
  EXPECT_EQ(report::display_width("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"), 8u);
}

TEST(shorten, cuts_between_code_points_and_ends_with_an_ellipsis) {
  EXPECT_EQ(report::shorten("abcdef", 6), "abcdef");
  EXPECT_EQ(report::shorten("abcdef", 4), "abc\xe2\x80\xa6");
  EXPECT_EQ(report::shorten("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3), "\xc3\xa9\xc3\xa9\xe2\x80\xa6");
  EXPECT_EQ(report::display_width(report::shorten("\xe2\x9c\x93\xe2\x9c\x93\xe2\x9c\x93", 2)), 2u);
  EXPECT_EQ(report::shorten("abc", 1), "\xe2\x80\xa6");
  EXPECT_EQ(report::shorten("abc", 0), "");
}

TEST(xml_escape, escapes_markup_and_makes_any_bytes_xml_characters) {
  EXPECT_EQ(report::xml_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  EXPECT_EQ(report::xml_escape("t\tn\nr\r"), "t&#9;n&#10;r&#13;") << "kept through normalisation";
  EXPECT_EQ(report::xml_escape(std::string("\x01\x08\x0b\x0c\x1f\0", 6)),
            "\\x01\\x08\\x0b\\x0c\\x1f\\x00")
      << "forbidden in XML 1.0 even as references";
  EXPECT_EQ(report::xml_escape("\xff\xc3\x28"), "\xef\xbf\xbd\xef\xbf\xbd(");
  EXPECT_EQ(report::xml_escape("\xef\xbf\xbe\xef\xbf\xbf"), "\xef\xbf\xbd\xef\xbf\xbd")
      << "U+FFFE and U+FFFF are not XML characters";
  EXPECT_EQ(report::xml_escape("caf\xc3\xa9 \xe2\x9c\x93 \x7f"), "caf\xc3\xa9 \xe2\x9c\x93 \x7f");
}

TEST(iso8601, writes_utc_to_the_second_or_the_millisecond) {
  using namespace std::chrono;
  EXPECT_EQ(report::iso8601_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(report::iso8601_utc_ms(system_clock::time_point(milliseconds(1741944413589))),
            "2025-03-14T09:26:53.589Z");
  EXPECT_EQ(report::iso8601_utc_ms(system_clock::time_point(milliseconds(5))),
            "1970-01-01T00:00:00.005Z");
  EXPECT_EQ(report::iso8601_utc_ms(system_clock::time_point(microseconds(1999999))),
            "1970-01-01T00:00:01.999Z")
      << "truncated, never rounded up into the next second";
}

TEST(json_string, is_a_valid_json_literal_for_any_bytes) {
  const std::string hostile = std::string("q\"b\\s\n\r\t\x01\x1f ok \xc3\xa9 \xff\xfe end") + '\0';
  std::string out;
  report::append_json_string(out, hostile);
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(
      parsed.get<std::string>(),
      "q\"b\\s\n\r\t\x01\x1f ok \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd end" + std::string(1, '\0'));
}
