#include <sstream>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/report/report.hpp"
#include "fleetcheck/report/text.hpp"
#include "sample_fleet.hpp"

using namespace fleetcheck;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string table(const testkit::sample_fleet& s, report::table_options table = {},
                  report::render_options options = {}) {
  std::ostringstream out;
  report::render_table(out, s.view(), table, options);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// A fleet whose URLs and messages are far wider than a terminal, one URL in another script.
testkit::sample_fleet wide_fleet() {
  auto s = testkit::every_field();
  s.targets[2].url =
      "http://127.0.0.1:9002/health/with/a/very/long/path/that/goes/on?and=a&query=1";
  s.results[2].error =
      "HTTP 503 Service Unavailable, expected 2xx; and a server that explains at "
      "great length why it is unavailable today";
  // Two-byte and three-byte code points: each is one display column.
  s.targets[4].url =
      "http://127.0.0.1:9003/\xc3\xa9t\xc3\xa9/\xe2\x9c\x93/\xc3\xa9t\xc3\xa9/"
      "\xc3\xa9t\xc3\xa9/\xc3\xa9t\xc3\xa9/\xc3\xa9t\xc3\xa9/\xc3\xa9t\xc3\xa9";
  return s;
}

}  // namespace

TEST(table_renderer, says_when_a_healthy_check_needed_retries) {
  const auto text = table(testkit::every_field());
  EXPECT_THAT(text, HasSubstr("healthy after 3 attempts"));
  EXPECT_THAT(text, Not(HasSubstr("healthy after 1 attempts")));
  EXPECT_THAT(text, Not(HasSubstr("healthy after 2 attempts"))) << "the timeout's retries are "
                                                                   "not a healthy check's";
}

TEST(table_renderer, shows_the_healthy_checks_latency_under_the_summary) {
  const auto lines = lines_of(table(testkit::every_field()));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_THAT(lines[lines.size() - 3], HasSubstr("checked 6 targets: 2 healthy, 4 failed"));
  EXPECT_EQ(lines[lines.size() - 2],
            "latency of healthy checks: p50 205.1ms, p90 207.0ms, p99 207.0ms, max 207.0ms");
  EXPECT_EQ(lines.back(), "by group: edge 1/1 healthy, (none) 1/4 healthy, storage 0/1 healthy");
}

TEST(table_renderer, leaves_the_latency_line_out_when_nothing_was_healthy) {
  auto s = testkit::every_field();
  for (auto& r : s.results) r.outcome = core::outcome::error;
  EXPECT_THAT(table(s), Not(HasSubstr("latency of healthy checks")));
}

TEST(table_renderer, only_failed_shows_the_failures_and_still_counts_everything) {
  report::render_options options;
  options.only_failed = true;
  const auto text = table(testkit::every_field(), {}, options);
  EXPECT_THAT(text, Not(HasSubstr("api ")));
  EXPECT_THAT(text, Not(HasSubstr("flaky")));
  EXPECT_THAT(text, HasSubstr("\ndb "));
  EXPECT_THAT(text, HasSubstr("checked 6 targets: 2 healthy, 4 failed"));
  EXPECT_THAT(text, HasSubstr("latency of healthy checks"));
}

TEST(table_renderer, only_failed_with_nothing_failed_prints_the_summary_alone) {
  auto s = testkit::every_field();
  for (auto& r : s.results) r.outcome = core::outcome::healthy;
  report::render_options options;
  options.only_failed = true;
  const auto lines = lines_of(table(s, {}, options));
  ASSERT_EQ(lines.size(), 3u);  // summary, latency, groups
  EXPECT_THAT(lines[0], HasSubstr("checked 6 targets: 6 healthy, 0 failed"));
}

TEST(table_renderer, quiet_prints_the_summary_lines_only) {
  report::render_options options;
  options.quiet = true;
  const auto lines = lines_of(table(testkit::every_field(), {}, options));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("checked 6 targets"));
  EXPECT_THAT(lines[1], HasSubstr("latency of healthy checks"));
  EXPECT_THAT(lines[2], HasSubstr("by group: "));
}

TEST(table_renderer, fits_rows_in_the_width_by_shortening_url_and_detail) {
  const auto s = wide_fleet();
  const auto wide = lines_of(table(s));
  const auto fitted = lines_of(table(s, {false, 100}));
  ASSERT_EQ(fitted.size(), wide.size());
  const std::size_t rows = s.results.size() + 1;  // and the header
  for (std::size_t i = 0; i < rows; ++i) {
    EXPECT_LE(report::display_width(fitted[i]), 100u) << fitted[i];
    // TARGET, RESULT, HTTP and TIME are never cut: each row starts with the same name and
    // carries the same result, status and time as the unlimited one.
    const auto name = wide[i].substr(0, wide[i].find(' '));
    EXPECT_EQ(fitted[i].substr(0, name.size()), name);
  }
  EXPECT_GT(report::display_width(wide[1]), 100u) << "the sample must need fitting";
  const auto joined = [](const std::vector<std::string>& lines) {
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    return all;
  };
  const auto text = joined(fitted);
  EXPECT_THAT(text, HasSubstr("\xe2\x80\xa6"));  // …
  EXPECT_THAT(text, HasSubstr("unhealthy   503  206.0ms"));
  EXPECT_THAT(text, HasSubstr("timeout       -   1.000s"));
  EXPECT_THAT(text, HasSubstr("http://127.0.0.1:9003/\xc3\xa9t\xc3\xa9/"));
  // Summary lines are never cut: they are what a narrow terminal must still say in full.
  EXPECT_EQ(fitted.back(), wide.back());
}

TEST(table_renderer, width_zero_cuts_nothing) {
  const auto text = table(wide_fleet(), {false, 0});
  EXPECT_THAT(text, HasSubstr("why it is unavailable today"));
  EXPECT_THAT(text, Not(HasSubstr("\xe2\x80\xa6")));
}

TEST(table_renderer, fits_without_a_url_column_too) {
  auto s = wide_fleet();
  for (auto& t : s.targets) t.name = t.url;  // names that are URLs: no URL column
  for (const auto& line : lines_of(table(s, {false, 200}))) {
    if (line.rfind("checked", 0) == 0 || line.rfind("latency", 0) == 0) continue;
    EXPECT_LE(report::display_width(line), 200u) << line;
  }
}

TEST(table_renderer, shows_the_ping_round_trip_and_the_tls_version) {
  std::ostringstream out;
  report::render_table(out, testkit::icmp_and_tls().view(), {}, {});
  const auto text = out.str();
  EXPECT_NE(text.find("  rtt 0.065ms\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  rtt 12.1ms\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  TLS 1.3, cert "), std::string::npos) << text;
  EXPECT_NE(text.find("timed out after 1s while waiting for response\n"), std::string::npos)
      << text;
}
