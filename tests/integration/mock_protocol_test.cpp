// The mock as a fleet of raw-TCP line-protocol services (--protocol redis-ok|redis-noauth), and
// the chaos flags of the fleetcheck-mock binary.
#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "mock_fixture.hpp"
#include "mock_raw_socket.hpp"
#include "run_process.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using test_support::raw_socket;
using test_support::read_end;
using ::testing::HasSubstr;

namespace {

std::unique_ptr<mock::mock_fleet> serve(mock::protocol protocol) {
  auto o = test_support::quick_mock(1, 1ms);
  o.protocol = protocol;
  auto fleet = std::make_unique<mock::mock_fleet>(o);
  fleet->start();
  return fleet;
}

}  // namespace

TEST(mock_chaos, redis_ok_answers_pong_and_keeps_the_connection_open) {
  const auto fleet = serve(mock::protocol::redis_ok);
  EXPECT_EQ(fleet->url(0), "tcp://127.0.0.1:" + std::to_string(fleet->ports()[0]));
  raw_socket client(fleet->ports()[0]);
  client.send("PING\r\n");
  EXPECT_EQ(client.read(1s, "\r\n").bytes, "+PONG\r\n");
  const auto idle = client.read(200ms);
  EXPECT_EQ(idle.end, read_end::timeout) << to_string(idle.end);  // still open, nothing more
  client.send("ping\nGET key\r\n");
  EXPECT_EQ(client.read(1s, "'GET'\r\n").bytes, "+PONG\r\n-ERR unknown command 'GET'\r\n");
  client.send("QUIT\r\n");
  const auto bye = client.read(1s);
  EXPECT_EQ(bye.bytes, "+OK\r\n");
  EXPECT_EQ(bye.end, read_end::eof) << to_string(bye.end);
  EXPECT_EQ(fleet->requests_served(), 4u);
}

TEST(mock_chaos, redis_noauth_refuses_every_command_and_keeps_the_connection_open) {
  const auto fleet = serve(mock::protocol::redis_noauth);
  raw_socket client(fleet->ports()[0]);
  client.send("PING\r\n");
  const auto r = client.read(300ms);
  EXPECT_EQ(r.bytes, "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(r.end, read_end::timeout) << to_string(r.end);  // like redis: no close
  client.send("PING\r\n");
  EXPECT_EQ(client.read(1s, "\r\n").bytes, "-NOAUTH Authentication required.\r\n");
}

TEST(mock_chaos, redis_manifest_is_a_send_expect_fleet_the_checker_finds_healthy) {
  const auto fleet = serve(mock::protocol::redis_ok);
  const auto manifest = fleet->manifest();
  EXPECT_THAT(manifest, HasSubstr("    send: 'PING\\r\\n'\n    expect: '+PONG'\n"));
  const auto config = config::parse_config(manifest, "manifest", {});
  ASSERT_EQ(config.targets.size(), 1u);
  EXPECT_EQ(config.targets[0].settings.stream.send, "PING\r\n");
  const auto report = engine::run_fleet(config.targets, {});
  EXPECT_EQ(report.results.at(0).outcome, core::outcome::healthy) << report.results.at(0).error;
}

TEST(mock_chaos, redis_protocols_take_neither_tls_nor_faults) {
  auto o = test_support::quick_mock(1);
  o.protocol = mock::protocol::redis_noauth;
  o.rates.close = 1;
  EXPECT_THROW(mock::mock_fleet{o}, std::invalid_argument);
  o.rates.close = 0;
  o.tls = true;
  EXPECT_THROW(mock::mock_fleet{o}, std::invalid_argument);
}

TEST(mock_chaos, binary_offers_a_rate_flag_per_fault_and_chaos) {
  const auto help = test_support::run_process({FLEETCHECK_MOCK_BIN, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const auto& f : mock::fault_catalog()) {
    if (f.rate == nullptr) continue;
    EXPECT_THAT(help.out, HasSubstr("--" + std::string(f.name) + "-rate"));
  }
  EXPECT_THAT(help.out, HasSubstr("--chaos "));
  EXPECT_THAT(help.out, HasSubstr("redis-noauth"));
  const auto bad = test_support::run_process({FLEETCHECK_MOCK_BIN, "--protocol", "gopher"});
  EXPECT_EQ(bad.exit_code, 2);
}
