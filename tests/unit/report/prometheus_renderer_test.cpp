#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "fleetcheck/report/report.hpp"
#include "sample_fleet.hpp"
#include "test_support.hpp"

using namespace fleetcheck;

// promtool's linter knows rules no unit test here restates (names, units, reserved labels such as
// `quantile`, which only a summary may carry). Skipped where Debian's `prometheus` is not
// installed.
TEST(prometheus_renderer, passes_promtool_check_metrics) {
  if (!testkit::on_path("promtool")) GTEST_SKIP() << "promtool not installed (prometheus)";
  auto none_healthy = testkit::every_field();
  for (auto& r : none_healthy.results) r.outcome = core::outcome::error;
  const std::pair<const char*, testkit::sample_fleet> samples[] = {
      {"every-field", testkit::every_field()}, {"hostile", testkit::hostile_fleet()},
      {"grpc", testkit::grpc_fleet()},         {"none-healthy", none_healthy},
      {"empty", testkit::sample_fleet{}},      {"icmp-and-tls", testkit::icmp_and_tls()}};
  for (const auto& [label, s] : samples) {
    std::ostringstream text;
    report::render_prometheus(text, s.view());
    const auto file = std::filesystem::temp_directory_path() /
                      ("fleetcheck-metrics-" + std::to_string(::getpid()) + "-" + label + ".prom");
    std::ofstream(file, std::ios::binary) << text.str();
    const auto lint = testkit::run_command("promtool check metrics < '" + file.string() + "'");
    EXPECT_EQ(lint.status, 0) << label << ":\n" << lint.output << "\n" << text.str();
    std::filesystem::remove(file);
  }
}

TEST(prometheus_renderer, writes_blackbox_icmp_and_tls_families) {
  std::ostringstream text;
  report::render_prometheus(text, testkit::icmp_and_tls().view());
  const auto out = text.str();
  const auto has = [&](const std::string& line) {
    EXPECT_NE(out.find(line + "\n"), std::string::npos) << line << "\n" << out;
  };
  has(R"(probe_icmp_duration_seconds{target="ping",url="icmp://127.0.0.1",phase="resolve"} 1e-06)");
  has(R"(probe_icmp_duration_seconds{target="ping",url="icmp://127.0.0.1",phase="setup"} 8e-05)");
  has(R"(probe_icmp_duration_seconds{target="ping",url="icmp://127.0.0.1",phase="rtt"} 6.5e-05)");
  has(R"(probe_icmp_duration_seconds{target="lost",url="icmp://10.0.0.1",phase="rtt"} 0)");
  has(R"(probe_icmp_reply_hop_limit{target="ping",url="icmp://127.0.0.1"} 64)");
  has(R"(probe_tls_version_info{target="ldaps",url="tls://127.0.0.1:636",version="TLS 1.3"} 1)");
  has(R"(probe_ssl_earliest_cert_expiry{target="ldaps",url="tls://127.0.0.1:636"} 1798000000)");
  // Only a reply has a hop limit, and only TLS checks have a version or ICMP phases.
  EXPECT_EQ(out.find("probe_icmp_reply_hop_limit{target=\"lost\""), std::string::npos);
  EXPECT_EQ(out.find("probe_icmp_reply_hop_limit{target=\"ping6\""), std::string::npos);
  EXPECT_EQ(out.find("probe_icmp_duration_seconds{target=\"ldaps\""), std::string::npos);
  EXPECT_EQ(out.find("probe_tls_version_info{target=\"ping\""), std::string::npos);
}
