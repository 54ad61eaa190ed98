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
      {"every-field", testkit::every_field()},
      {"hostile", testkit::hostile_fleet()},
      {"grpc", testkit::grpc_fleet()},
      {"none-healthy", none_healthy},
      {"empty", testkit::sample_fleet{}}};
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
