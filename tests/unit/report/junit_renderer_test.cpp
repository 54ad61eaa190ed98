#include <unistd.h>

#include <algorithm>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/report/report.hpp"
#include "fleetcheck/report/text.hpp"
#include "sample_fleet.hpp"
#include "test_support.hpp"

using namespace fleetcheck;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string junit(const testkit::sample_fleet& s, report::render_options options = {}) {
  std::ostringstream out;
  report::render_junit(out, s.view(), options);
  return out.str();
}

/// What XML 1.0 allows, checked byte by byte whatever parser is installed: valid UTF-8, no C0
/// control but tab, newline and carriage return, no U+FFFE or U+FFFF.
void expect_xml_characters_only(const std::string& xml) {
  EXPECT_EQ(report::valid_utf8(xml), xml) << "not valid UTF-8";
  for (const char c : xml) {
    const auto b = static_cast<unsigned char>(c);
    EXPECT_FALSE(b < 0x20 && b != '\t' && b != '\n' && b != '\r')
        << "control byte " << static_cast<int>(b) << " in:\n"
        << xml;
  }
  EXPECT_EQ(xml.find("\xef\xbf\xbe"), std::string::npos);
  EXPECT_EQ(xml.find("\xef\xbf\xbf"), std::string::npos);
}

/// `xml` through xmllint: well-formed, and valid against tests/data/junit.xsd. Skipped where
/// xmllint (Debian's libxml2-utils) is not installed; the byte checks above always run.
void expect_xmllint_accepts(const std::string& xml, const std::string& label) {
  if (!testkit::on_path("xmllint")) GTEST_SKIP() << "xmllint not installed (libxml2-utils)";
  const auto file = std::filesystem::temp_directory_path() /
                    ("fleetcheck-junit-" + std::to_string(::getpid()) + "-" + label + ".xml");
  {
    std::ofstream out(file, std::ios::binary);
    out << xml;
  }
  const auto well_formed = testkit::run_command("xmllint --noout '" + file.string() + "'");
  EXPECT_EQ(well_formed.status, 0) << well_formed.output << "\n" << xml;
  const auto xsd = testkit::source_file("tests/data/junit.xsd");
  ASSERT_TRUE(std::filesystem::exists(xsd)) << xsd;
  const auto valid = testkit::run_command("xmllint --noout --schema '" + xsd.string() + "' '" +
                                          file.string() + "'");
  EXPECT_EQ(valid.status, 0) << valid.output << "\n" << xml;
  std::filesystem::remove(file);
}

}  // namespace

TEST(junit_renderer, is_a_format) {
  EXPECT_EQ(*report::parse_format("junit"), report::format::junit);
  EXPECT_THAT(report::parse_format("xml").error(), HasSubstr("prometheus or junit"));
}

TEST(junit_renderer, writes_one_testcase_per_target_with_failures_and_errors) {
  const auto xml = junit(testkit::every_field());
  EXPECT_THAT(xml, HasSubstr("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<testsuites name=\"fleetcheck\" tests=\"6\" failures=\"1\" "
                             "errors=\"3\" time=\"1.002100\">\n"
                             "  <testsuite name=\"fleetcheck\" tests=\"6\" failures=\"1\" "
                             "errors=\"3\" skipped=\"0\" time=\"1.002100\" "
                             "timestamp=\"2025-03-14T09:26:53.589Z\">\n"));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"api\" classname=\"edge\" time=\"0.205100\">"));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"flaky\" classname=\"fleetcheck\""));
  EXPECT_THAT(xml, HasSubstr("<system-out>url: https://127.0.0.1:9443/health\noutcome: healthy\n"
                             "http status: 200\nattempts: 1\nredirects: 1\n"
                             "cert expires at: 2026-12-23T04:26:40Z\n</system-out>"));
  EXPECT_THAT(xml,
              HasSubstr("<failure message=\"HTTP 503 Service Unavailable, expected 2xx\" "
                        "type=\"unhealthy\">url: http://127.0.0.1:9002/health\noutcome: unhealthy\n"
                        "failure: condition_failed\nhttp status: 503\nattempts: 1\n"
                        "failed conditions:\n  [STATUS] (503) == 200\n"
                        "  [BODY].status (down) == ok\n</failure>"));
  EXPECT_THAT(xml, HasSubstr("<error message=\"connection refused\" type=\"error\">"
                             "url: tcp://127.0.0.1:6379\noutcome: error\n"
                             "failure: connection_refused\nfailed phase: connect\n"
                             "http status: none\nattempts: 1\n</error>"));
  EXPECT_THAT(xml, HasSubstr("type=\"timeout\">"));
  EXPECT_THAT(xml, HasSubstr("type=\"deadline\">"));
  expect_xml_characters_only(xml);
  expect_xmllint_accepts(xml, "every-field");
}

TEST(junit_renderer, only_failed_leaves_healthy_testcases_out_but_counts_them) {
  report::render_options options;
  options.only_failed = true;
  const auto xml = junit(testkit::every_field(), options);
  EXPECT_THAT(xml, HasSubstr("tests=\"6\" failures=\"1\" errors=\"3\""));
  EXPECT_THAT(xml, Not(HasSubstr("name=\"api\"")));
  EXPECT_THAT(xml, Not(HasSubstr("<system-out>")));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"db\""));
  expect_xmllint_accepts(xml, "only-failed");
}

TEST(junit_renderer, makes_hostile_bytes_valid_xml) {
  const auto xml = junit(testkit::hostile_fleet());
  expect_xml_characters_only(xml);
  // Markup characters are entities; forbidden controls are visible; bad bytes are U+FFFD.
  EXPECT_THAT(xml, HasSubstr("name=\"api &lt;&amp;&gt; &quot;quoted&quot; &apos;single&apos;"
                             "\\x01\\x0b\\x1f\""));
  EXPECT_THAT(xml, HasSubstr("classname=\"edge\xef\xbf\xbd]]&gt;\""));
  EXPECT_THAT(xml, HasSubstr("name=\"db&#10;&#9;&#13;\x7f\""));
  EXPECT_THAT(xml, HasSubstr("message=\"HTTP 503 \xef\xbf\xbdUnavailable\\x01\\x02 "
                             "&lt;/failure&gt;&lt;x&gt;&amp;amp;\""));
  EXPECT_THAT(xml, HasSubstr("  \xef\xbf\xbd\xef\xbf\xbd\n"));  // U+FFFE, U+FFFF
  EXPECT_THAT(xml, HasSubstr("\\x00 end"));
  expect_xmllint_accepts(xml, "hostile");
}

TEST(junit_renderer, is_well_formed_for_an_empty_fleet) {
  const auto xml = junit(testkit::sample_fleet{});
  EXPECT_THAT(xml, HasSubstr("tests=\"0\" failures=\"0\" errors=\"0\""));
  expect_xmllint_accepts(xml, "empty");
}
