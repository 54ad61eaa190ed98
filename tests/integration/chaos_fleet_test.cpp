// A chaos fleet end to end: every fault the mock has, mixed over HTTP and HTTPS services, checked
// in one run. Every target must get exactly one row, and the right one; under ASan+UBSan (CI runs
// this suite with them) no server input may cause a finding.
#include <map>

#include <gtest/gtest.h>

#include "fleetcheck/engine/fleet_run.hpp"
#include "mock_fixture.hpp"
#include "test_certs.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using mock::fault;

namespace {

/// What each fault must come out as, checked with a 3 s timeout (generous: under sanitizers on a
/// busy 2-core machine a thousand checks and their thousand servers share the CPU).
core::outcome expected_outcome(fault f) {
  switch (f) {
    case fault::none:
    case fault::huge_headers:
    case fault::early_hints:
    case fault::continue_then_ok:
    case fault::non_utf8:
    case fault::close_no_notify:
    case fault::close_no_notify_http10:
    case fault::close_no_notify_chunked:
      return core::outcome::healthy;
    case fault::fail:
    case fault::non_utf8_503:
      return core::outcome::unhealthy;
    case fault::hang:
    case fault::slow:  // 100 bytes dripped over 10 s
    case fault::slowloris:
    case fault::short_body:
    case fault::tls_stall:
    case fault::accept_no_read:
    case fault::continue_then_nothing:
      return core::outcome::timeout;
    case fault::reset:
    case fault::garbage:
    case fault::big:
    case fault::endless:
    case fault::short_body_close:
    case fault::close:
    case fault::rst_after_headers:
    case fault::http2:
      return core::outcome::error;
  }
  return core::outcome::error;
}

mock::mock_options chaos_options(std::size_t services) {
  auto o = test_support::quick_mock(services, 5ms);
  o.threads = 2;
  o.rates.chaos = 1.0;  // every service gets a fault, every fault its share
  return o;
}

}  // namespace

TEST(chaos_fleet, every_target_gets_exactly_one_right_row) {
  test_support::test_pki pki(::testing::TempDir() + "fleetcheck-chaos-pki-" +
                             std::to_string(::getpid()));
  const auto cert = pki.issue("chaos", {"127.0.0.1"});
  mock::mock_fleet plain(chaos_options(900));
  auto tls_options = chaos_options(100);
  tls_options = test_support::with_tls(tls_options, cert.cert, cert.key);
  mock::mock_fleet tls(tls_options);
  plain.start();
  tls.start();

  core::check_settings s;
  s.timeout = 3s;
  s.tls.ca_file = pki.ca_file();
  std::vector<core::target> targets;
  std::vector<fault> faults;
  for (const auto* fleet : {&plain, &tls}) {
    for (std::size_t i = 0; i < fleet->faults().size(); ++i) {
      targets.push_back(test_support::make_target(fleet->url(i), "", s));
      faults.push_back(fleet->faults()[i]);
    }
  }
  engine::run_options o;
  o.deadline = 20s;
  const auto report = engine::run_fleet(targets, o);

  ASSERT_EQ(report.results.size(), targets.size());
  std::map<fault, int> seen;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const auto& r = report.results[i];
    ++seen[faults[i]];
    EXPECT_EQ(r.outcome, expected_outcome(faults[i]))
        << targets[i].url << " (" << mock::to_string(faults[i]) << "): " << r.error;
    if (r.outcome != core::outcome::healthy) {
      EXPECT_NE(r.failure, core::failure::none) << targets[i].url;
      EXPECT_FALSE(r.error.empty()) << targets[i].url;
    }
  }
  // Every fault of the catalog but `none` was in the fleet.
  EXPECT_EQ(seen.size(), mock::fault_catalog().size() - 1);
  EXPECT_FALSE(report.summary.deadline_exceeded);
}
