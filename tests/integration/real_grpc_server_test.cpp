// gRPC health checks against a real gRPC server (grpcio_server.hpp): every serving status,
// grpc-timeout, error codes and messages, timeouts, and TLS with ALPN h2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/engine/fleet_run.hpp"
#include "grpcio_server.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace {

class grpcio : public test_support::grpcio_fixture {
 protected:
  static core::probe_result check(const std::string& service, bool tls = false,
                                  core::duration timeout = 3s) {
    const std::vector<core::target> targets{target(service, tls, timeout)};
    return engine::run_fleet(targets, {}).results.at(0);
  }
};

}  // namespace

TEST_F(grpcio, serving_not_serving_and_unknown_over_h2c) {
  const auto ok = check("");
  EXPECT_EQ(ok.outcome, core::outcome::healthy) << ok.error;
  EXPECT_EQ(ok.grpc->serving_status, "SERVING");
  EXPECT_EQ(ok.grpc->status_code, 0);
  const auto down = check("down");
  EXPECT_EQ(down.outcome, core::outcome::unhealthy);
  EXPECT_EQ(down.error, "serving status NOT_SERVING");
  EXPECT_EQ(check("unknown").error, "serving status UNKNOWN");
}

TEST_F(grpcio, the_server_sees_the_grpc_timeout_we_send) {
  const auto r = check("deadline");
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
}

TEST_F(grpcio, grpc_errors_carry_the_code_and_the_decoded_message) {
  const auto missing = check("missing");
  EXPECT_EQ(missing.failure, core::failure::grpc_error);
  EXPECT_EQ(missing.error, "gRPC status 5 NOT_FOUND: unknown service missing");
  const auto draining = check("draining");
  EXPECT_EQ(draining.error, "gRPC status 14 UNAVAILABLE: draining: 50% done");
}

TEST_F(grpcio, a_slow_answer_times_out) {
  const auto r = check("slow", false, 500ms);
  EXPECT_EQ(r.outcome, core::outcome::timeout);
  EXPECT_EQ(r.error, "timed out after 500ms while waiting for response");
}

TEST_F(grpcio, grpcs_negotiates_h2_with_the_real_server) {
  const auto ok = check("", true);
  EXPECT_EQ(ok.outcome, core::outcome::healthy) << ok.error;
  EXPECT_TRUE(ok.grpc->tls);
  EXPECT_TRUE(ok.cert_expires_at.has_value());
  EXPECT_EQ(check("down", true).error, "serving status NOT_SERVING");
}
