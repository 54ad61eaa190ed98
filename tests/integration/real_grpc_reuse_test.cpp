// serve's reuse_connection against a real gRPC server (grpcio_server.hpp): every round a new
// stream of one HTTP/2 session, plain and over TLS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grpcio_server.hpp"
#include "loop_checks.hpp"

using namespace fleetcheck;
using ::testing::HasSubstr;

namespace {

using grpcio_reuse = test_support::grpcio_fixture;

}  // namespace

TEST_F(grpcio_reuse, reuse_connection_sends_each_round_as_a_stream_of_one_connection) {
  // The server names the client's address and port in its answer to "peer": the same port in
  // every round is the same connection. A failing status, a SERVING answer, then "peer" again:
  // the session (stream ids, HPACK state) carries every call, over h2c and over TLS.
  for (const bool tls : {false, true}) {
    auto peer = target("peer", tls);
    peer.settings.http.reuse_connection = true;
    auto serving = target("", tls);
    serving.settings.http.reuse_connection = true;
    const std::vector<core::target> targets{peer, serving};
    probe::tls_contexts contexts(targets);
    probe::kept_connection kept;
    test_support::loop_checks loop;
    const auto first = loop.check(peer, &kept, contexts);
    ASSERT_THAT(first.error, HasSubstr("gRPC status 9 FAILED_PRECONDITION: peer ipv4:127.0.0.1:"));
    EXPECT_FALSE(first.connection_reused);
    const auto ok = loop.check(serving, &kept, contexts);
    EXPECT_EQ(ok.outcome, core::outcome::healthy) << ok.error;
    EXPECT_TRUE(ok.connection_reused);
    for (int round = 0; round < 3; ++round) {
      const auto again = loop.check(peer, &kept, contexts);
      EXPECT_EQ(again.error, first.error) << "tls " << tls << ", round " << round;
      EXPECT_TRUE(again.connection_reused);
    }
    kept.close();
  }
}
