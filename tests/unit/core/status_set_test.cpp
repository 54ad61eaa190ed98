#include "fleetcheck/core/status_set.hpp"

#include <gtest/gtest.h>

using fleetcheck::core::status_set;

TEST(status_set, defaults_to_any_2xx) {
  status_set s;
  EXPECT_TRUE(s.contains(200));
  EXPECT_TRUE(s.contains(299));
  EXPECT_FALSE(s.contains(199));
  EXPECT_FALSE(s.contains(301));
  EXPECT_EQ(s.describe(), "2xx");
}

TEST(status_set, accepts_codes_classes_and_ranges) {
  status_set s;
  s.add("204");
  s.add("3xx");
  s.add("401-403");
  EXPECT_TRUE(s.contains(204));
  EXPECT_FALSE(s.contains(200));
  EXPECT_TRUE(s.contains(302));
  EXPECT_TRUE(s.contains(402));
  EXPECT_FALSE(s.contains(404));
  EXPECT_EQ(s.describe(), "204,3xx,401-403");
}

TEST(status_set, rejects_nonsense) {
  for (const char* bad : {"", "abc", "99", "600", "6xx", "2x", "300-200", "200-", "20o"}) {
    status_set s;
    EXPECT_THROW(s.add(bad), std::invalid_argument) << bad;
  }
}
