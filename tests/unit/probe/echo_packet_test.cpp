// ICMP echo messages as values: what is built, what is recognised, and bytes that are neither.
#include "probe/icmp/echo_packet.hpp"

#include <random>

#include <gtest/gtest.h>

using namespace fleetcheck::probe::icmp;

namespace {

std::vector<std::uint8_t> bytes(std::initializer_list<int> values) {
  std::vector<std::uint8_t> out;
  for (const int v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}

const std::vector<std::uint8_t> cookie = bytes({1, 2, 3, 4, 'f', 'c'});

/// `request` turned into the reply a host sends: the type changed, the rest echoed.
std::vector<std::uint8_t> reply_to(std::vector<std::uint8_t> request, bool v6) {
  request[0] = v6 ? 129 : 0;
  return request;
}

/// An IPv4 header of `header_bytes` (options padded with zeros) in front of `icmp`.
std::vector<std::uint8_t> with_ipv4_header(const std::vector<std::uint8_t>& icmp,
                                           std::size_t header_bytes = 20, int ttl = 57) {
  std::vector<std::uint8_t> out(header_bytes, 0);
  out[0] = static_cast<std::uint8_t>(0x40 | (header_bytes / 4));
  out[8] = static_cast<std::uint8_t>(ttl);
  out[9] = 1;  // ICMP
  out.insert(out.end(), icmp.begin(), icmp.end());
  return out;
}

}  // namespace

TEST(icmp_checksum, matches_rfc_1071_values) {
  // RFC 1071's example words 0001 f203 f4f5 f6f7 sum to ddf2 (with the carry folded in).
  EXPECT_EQ(checksum(bytes({0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7})), 0xffff - 0xddf2);
  EXPECT_EQ(checksum({}), 0xffff);
  EXPECT_EQ(checksum(bytes({0xab})), static_cast<std::uint16_t>(~0xab00));  // odd length: padded
}

TEST(icmp_echo, an_ipv4_request_has_type_8_its_fields_and_a_valid_checksum) {
  const auto request = make_echo_request(false, 0x1234, 0xbeef, cookie);
  ASSERT_EQ(request.size(), 8 + cookie.size());
  EXPECT_EQ(request[0], 8);
  EXPECT_EQ(request[1], 0);
  EXPECT_EQ(request[4], 0x12);
  EXPECT_EQ(request[5], 0x34);
  EXPECT_EQ(request[6], 0xbe);
  EXPECT_EQ(request[7], 0xef);
  EXPECT_TRUE(std::equal(cookie.begin(), cookie.end(), request.begin() + 8));
  EXPECT_EQ(checksum(request), 0) << "a message with its checksum in place sums to zero";
}

TEST(icmp_echo, an_ipv6_request_has_type_128_and_leaves_the_checksum_to_the_kernel) {
  const auto request = make_echo_request(true, 7, 9, cookie);
  EXPECT_EQ(request[0], 128);
  EXPECT_EQ(request[2], 0);
  EXPECT_EQ(request[3], 0);
}

TEST(icmp_echo, recognises_the_reply_to_its_request) {
  for (const bool v6 : {false, true}) {
    const auto packet = reply_to(make_echo_request(v6, 0x1234, 77, cookie), v6);
    const auto reply = parse_echo_reply(packet, v6, false);
    ASSERT_TRUE(reply) << v6;
    EXPECT_EQ(reply->id, 0x1234);
    EXPECT_EQ(reply->sequence, 77);
    EXPECT_FALSE(reply->ttl);
    EXPECT_TRUE(answers(*reply, 0x1234, 77, cookie));
    EXPECT_TRUE(answers(*reply, std::nullopt, 77, cookie)) << "datagram sockets: any id";
    EXPECT_FALSE(answers(*reply, 0x1235, 77, cookie)) << "another program's ping";
    EXPECT_FALSE(answers(*reply, 0x1234, 78, cookie)) << "another attempt's reply";
    EXPECT_FALSE(answers(*reply, 0x1234, 77, bytes({1, 2, 3, 4, 'f', 'x'}))) << "other cookie";
    EXPECT_FALSE(answers(*reply, 0x1234, 77, bytes({1, 2, 3, 4, 'f'}))) << "longer payload";
  }
}

TEST(icmp_echo, skips_the_ipv4_header_of_raw_sockets_whatever_its_length) {
  const auto icmp = reply_to(make_echo_request(false, 5, 6, cookie), false);
  for (const std::size_t header : {20u, 24u, 60u}) {
    const auto packet = with_ipv4_header(icmp, header);  // the reply points into it
    const auto reply = parse_echo_reply(packet, false, true);
    ASSERT_TRUE(reply) << header;
    EXPECT_EQ(reply->sequence, 6);
    EXPECT_EQ(reply->ttl, 57);
    EXPECT_TRUE(answers(*reply, 5, 6, cookie));
  }
}

TEST(icmp_echo, ignores_requests_errors_and_the_other_family) {
  // A raw socket on loopback sees its own request; other ICMP messages pass by too.
  EXPECT_FALSE(parse_echo_reply(make_echo_request(false, 1, 2, cookie), false, false));
  EXPECT_FALSE(parse_echo_reply(make_echo_request(true, 1, 2, cookie), true, false));
  auto unreachable = make_echo_request(false, 1, 2, cookie);
  unreachable[0] = 3;
  EXPECT_FALSE(parse_echo_reply(unreachable, false, false));
  auto odd_code = reply_to(make_echo_request(false, 1, 2, cookie), false);
  odd_code[1] = 1;
  EXPECT_FALSE(parse_echo_reply(odd_code, false, false));
  EXPECT_FALSE(
      parse_echo_reply(reply_to(make_echo_request(true, 1, 2, cookie), true), false, false));
}

TEST(icmp_echo, hostile_bytes_are_never_a_reply_and_never_read_out_of_bounds) {
  // Truncated messages and IPv4 headers that lie about their length or protocol.
  EXPECT_FALSE(parse_echo_reply({}, false, false));
  EXPECT_FALSE(parse_echo_reply(bytes({0, 0, 0, 0, 0, 0, 0}), false, false));
  EXPECT_FALSE(parse_echo_reply(bytes({0x45}), false, true));
  const auto icmp = reply_to(make_echo_request(false, 1, 2, cookie), false);
  auto long_header = with_ipv4_header(icmp);
  long_header[0] = 0x4f;  // 60 bytes of header in a 34-byte packet
  EXPECT_FALSE(parse_echo_reply(std::span(long_header).first(40), false, true));
  auto short_header = with_ipv4_header(icmp);
  short_header[0] = 0x44;  // IHL 4: 16 bytes, below the minimum
  EXPECT_FALSE(parse_echo_reply(short_header, false, true));
  auto ipv6_version = with_ipv4_header(icmp);
  ipv6_version[0] = 0x65;
  EXPECT_FALSE(parse_echo_reply(ipv6_version, false, true));
  auto udp = with_ipv4_header(icmp);
  udp[9] = 17;
  EXPECT_FALSE(parse_echo_reply(udp, false, true));
  // Random bytes of every length up to 200: whatever is parsed stays inside the buffer.
  std::mt19937 random(20261123);
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::uint8_t> noise(random() % 200);
    for (auto& b : noise) b = static_cast<std::uint8_t>(random());
    if (!noise.empty() && round % 2 == 0)
      noise[0] = static_cast<std::uint8_t>(0x40 | (noise[0] & 0x0f));
    for (const bool v6 : {false, true}) {
      for (const bool header : {false, true}) {
        if (const auto reply = parse_echo_reply(noise, v6, header)) {
          ASSERT_GE(reply->payload.data(), noise.data());
          ASSERT_LE(reply->payload.data() + reply->payload.size(), noise.data() + noise.size());
          EXPECT_FALSE(answers(*reply, 1, 2, cookie) && reply->payload.size() != cookie.size());
        }
      }
    }
  }
}
