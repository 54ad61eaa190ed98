// The status page's pure parts: escaping of hostile names and error text, uptime from
// transitions, badge colours.
#include <gtest/gtest.h>

#include "serve/page/html.hpp"
#include "serve/page/render.hpp"
#include "serve/page/uptime.hpp"

using namespace fleetcheck;
using namespace fleetcheck::serve::page;
using namespace std::chrono_literals;
using health::state;

TEST(page_html, escapes_markup_quotes_and_control_characters) {
  EXPECT_EQ(html_escape("<img src=x onerror=\"a('b')\">&"),
            "&lt;img src=x onerror=&quot;a(&apos;b&apos;)&quot;&gt;&amp;");
  EXPECT_EQ(html_escape(std::string("a\nb\xff"
                                    "c",
                                    5)),
            "a&#10;b\xEF\xBF\xBD"
            "c");                                        // invalid UTF-8 becomes U+FFFD
  EXPECT_EQ(html_escape("caf\xC3\xA9"), "caf\xC3\xA9");  // UTF-8 passes unchanged
}

TEST(page_html, url_encode_keeps_only_unreserved_characters) {
  EXPECT_EQ(url_encode("svc-1_a.b~"), "svc-1_a.b~");
  EXPECT_EQ(url_encode("a b/c?d&e=f#\"<"), "a%20b%2Fc%3Fd%26e%3Df%23%22%3C");
}

namespace {
health::transition change(state from, state to, health::wall_clock::time_point at) {
  health::transition t;
  t.from = from;
  t.to = to;
  t.at = at;
  return t;
}
}  // namespace

TEST(page_uptime, counts_up_time_among_known_time) {
  const health::wall_clock::time_point t0{std::chrono::hours(1000)};
  const auto now = t0 + 10h;
  // Unknown for 2 h, healthy 6 h, unhealthy 2 h: 6 of 8 known hours up.
  const std::vector<health::transition> changes{change(state::unknown, state::healthy, t0 + 2h),
                                                change(state::healthy, state::unhealthy, t0 + 8h)};
  EXPECT_DOUBLE_EQ(*uptime(changes, state::unhealthy, t0, now), 0.75);
  // The last 4 hours: 2 healthy, 2 unhealthy.
  EXPECT_DOUBLE_EQ(*uptime(changes, state::unhealthy, t0 + 6h, now), 0.5);
  // Degraded counts as up.
  const std::vector<health::transition> slow{change(state::healthy, state::degraded, t0 + 5h)};
  EXPECT_DOUBLE_EQ(*uptime(slow, state::degraded, t0, now), 1.0);
}

TEST(page_uptime, no_change_in_the_window_means_the_current_state_held) {
  const health::wall_clock::time_point t0{std::chrono::hours(1000)};
  EXPECT_DOUBLE_EQ(*uptime({}, state::healthy, t0, t0 + 1h), 1.0);
  EXPECT_DOUBLE_EQ(*uptime({}, state::unhealthy, t0, t0 + 1h), 0.0);
  EXPECT_FALSE(uptime({}, state::unknown, t0, t0 + 1h).has_value());
}

TEST(page_uptime, a_change_before_the_window_sets_its_first_state) {
  const health::wall_clock::time_point t0{std::chrono::hours(1000)};
  const std::vector<health::transition> changes{change(state::unknown, state::unhealthy, t0 - 5h),
                                                change(state::unhealthy, state::healthy, t0 + 3h)};
  EXPECT_DOUBLE_EQ(*uptime(changes, state::healthy, t0, t0 + 4h), 0.25);
}

TEST(page_badge, has_the_state_and_its_colour_and_escapes_the_label) {
  const auto svg = badge_svg("<x>", state::unhealthy);
  EXPECT_NE(svg.find(">unhealthy</text>"), std::string::npos);
  EXPECT_NE(svg.find("#c7130a"), std::string::npos);
  EXPECT_NE(svg.find("&lt;x&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<x>"), std::string::npos);
  EXPECT_NE(badge_svg("health", state::healthy).find("#40cc40"), std::string::npos);
  EXPECT_NE(badge_svg("health", state::degraded).find(">degraded<"), std::string::npos);
  EXPECT_NE(badge_svg("health", state::unknown).find("#9f9f9f"), std::string::npos);
}
