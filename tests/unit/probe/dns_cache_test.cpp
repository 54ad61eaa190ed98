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
  probe::dns_cache cache{
      io.get_executor(), probe::dns_ttls{30s, 5s},
      [this](const std::string&) {
        ++lookups;
        probe::dns_cache::address_list out;
        if (fail) return std::pair{boost::system::error_code(asio::error::host_not_found), out};
        out.push_back(asio::ip::make_address("10.1.2.3"));
        return std::pair{boost::system::error_code{}, out};
      },
      [this] { return now; }};

  boost::system::error_code resolve(const std::string& host) {
    auto done = asio::co_spawn(io, cache.resolve(host, net::clock::now() + 5s), asio::use_future);
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
