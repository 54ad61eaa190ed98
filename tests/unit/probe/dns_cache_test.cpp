// The DNS cache's lifetime rules, with a fake resolver and a fake clock (no sockets, no DNS).
#include "probe/dns_cache.hpp"

#include <atomic>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

using namespace fleetcheck;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

struct fixture {
  asio::io_context io;
  std::atomic<int> lookups{0};
  std::atomic<bool> fail{false};
  net::clock::time_point now{std::chrono::seconds(1000)};
  bool hold = false;  // keep the answer back (a slow server) instead of answering at once
  probe::dns_cache::lookup_done held;
  probe::dns_cache cache{[this](const std::string&, probe::dns_cache::lookup_done done) {
                           ++lookups;
                           if (hold) {
                             held = std::move(done);
                             return;
                           }
                           probe::dns_cache::address_list out;
                           if (fail) {
                             done(asio::error::host_not_found, out);
                             return;
                           }
                           out.push_back(asio::ip::make_address("10.1.2.3"));
                           done({}, out);
                         },
                         probe::dns_ttls{30s, 5s}, [this] { return now; }};

  boost::system::error_code resolve(const std::string& host,
                                    net::clock::duration wait = std::chrono::seconds(5)) {
    auto done = asio::co_spawn(io, cache.resolve(host, net::clock::now() + wait), asio::use_future);
    io.restart();
    io.run();
    return done.get().first;
  }
};

}  // namespace

TEST(dns_cache, answers_from_the_cache_until_the_ttl_passes) {
  fixture f;
  EXPECT_FALSE(f.resolve("api.test"));
  EXPECT_FALSE(f.resolve("api.test"));
  EXPECT_EQ(f.lookups, 1);
  f.now += 29s;
  EXPECT_FALSE(f.resolve("api.test"));
  EXPECT_EQ(f.lookups, 1);
  f.now += 2s;
  EXPECT_FALSE(f.resolve("api.test"));
  EXPECT_EQ(f.lookups, 2) << "an expired answer is looked up again";
}

TEST(dns_cache, failures_are_kept_briefly_then_retried) {
  fixture f;
  f.fail = true;
  EXPECT_EQ(f.resolve("down.test"), asio::error::host_not_found);
  EXPECT_EQ(f.resolve("down.test"), asio::error::host_not_found);
  EXPECT_EQ(f.lookups, 1);
  f.fail = false;
  f.now += 6s;
  EXPECT_FALSE(f.resolve("down.test")) << "the negative entry expired and the name recovered";
  EXPECT_EQ(f.lookups, 2);
}

TEST(dns_cache, ip_literals_never_reach_the_resolver) {
  fixture f;
  EXPECT_FALSE(f.resolve("127.0.0.1"));
  EXPECT_FALSE(f.resolve("::1"));
  EXPECT_EQ(f.lookups, 0);
  EXPECT_EQ(f.cache.size(), 0u);
}

TEST(dns_cache, a_waiting_check_stops_at_its_deadline_and_a_late_answer_still_fills_the_cache) {
  fixture f;
  f.hold = true;
  EXPECT_EQ(f.resolve("slow.test", 20ms), asio::error::timed_out);
  EXPECT_EQ(f.resolve("slow.test", 20ms), asio::error::timed_out)
      << "still waiting: not asked twice";
  EXPECT_EQ(f.lookups, 1);
  ASSERT_TRUE(f.held);
  f.held({}, {asio::ip::make_address("10.9.9.9")});
  EXPECT_FALSE(f.resolve("slow.test"));
  EXPECT_EQ(f.lookups, 1) << "the late answer was kept";
}
