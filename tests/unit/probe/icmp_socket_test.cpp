// Which ICMP socket a check gets, and what it says when the host allows none; with a fake
// socket(2), so that every host's policy can be tried on any machine.
#include "probe/icmp/icmp_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace fleetcheck::probe::icmp;
using ::testing::HasSubstr;

namespace {

struct call {
  int domain, type, protocol;
};

/// A socket(2) that answers `datagram` / `raw` (a descriptor, or -errno) and records its calls.
socket_opener fake(int datagram, int raw, std::vector<call>& calls) {
  return [=, &calls](int domain, int type, int protocol) {
    calls.push_back({domain, type, protocol});
    const int answer = (type & 0xf) == SOCK_DGRAM ? datagram : raw;
    if (answer < 0) {
      errno = -answer;
      return -1;
    }
    return answer;
  };
}

}  // namespace

TEST(icmp_socket, takes_an_unprivileged_ping_socket_when_the_host_allows_it) {
  std::vector<call> calls;
  const auto opened = open_icmp_socket(false, fake(7, 8, calls));
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->fd, 7);
  EXPECT_EQ(opened->kind, socket_kind::datagram);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].domain, AF_INET);
  EXPECT_EQ(calls[0].protocol, IPPROTO_ICMP);
  EXPECT_NE(calls[0].type & SOCK_NONBLOCK, 0);
  EXPECT_NE(calls[0].type & SOCK_CLOEXEC, 0);
}

TEST(icmp_socket, falls_back_to_a_raw_socket_as_root) {
  std::vector<call> calls;
  const auto opened = open_icmp_socket(true, fake(-EACCES, 9, calls));
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->fd, 9);
  EXPECT_EQ(opened->kind, socket_kind::raw);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].domain, AF_INET6);
  EXPECT_EQ(calls[1].protocol, IPPROTO_ICMPV6);
  EXPECT_EQ(calls[1].type & 0xf, SOCK_RAW);
}

TEST(icmp_socket, says_what_to_change_when_neither_kind_is_allowed) {
  std::vector<call> calls;
  for (const int datagram : {-EACCES, -EPERM}) {
    const auto opened = open_icmp_socket(false, fake(datagram, -EPERM, calls));
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error(),
              "ICMP needs a ping or a raw socket: neither unprivileged ping sockets "
              "(net.ipv4.ping_group_range) nor raw sockets (root or CAP_NET_RAW) are allowed");
  }
}

TEST(icmp_socket, other_errors_are_the_systems_words) {
  std::vector<call> calls;
  const auto no_ipv6 = open_icmp_socket(true, fake(-EAFNOSUPPORT, -EAFNOSUPPORT, calls));
  ASSERT_FALSE(no_ipv6);
  EXPECT_THAT(no_ipv6.error(), HasSubstr("cannot open an ICMPv6 socket: Address family"));
  const auto full = open_icmp_socket(false, fake(-EMFILE, -EPERM, calls));
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error(), "cannot open an ICMP socket: Too many open files");
}
