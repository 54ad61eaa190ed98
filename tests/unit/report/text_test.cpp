#include "fleetcheck/report/text.hpp"

#include <gtest/gtest.h>

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
