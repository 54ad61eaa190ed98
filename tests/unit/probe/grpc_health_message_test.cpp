// The hand-coded grpc.health.v1 messages: values both ways, and hostile bytes.
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "probe/grpc/health_message.hpp"

using namespace fleetcheck::probe::grpc;
using ::testing::HasSubstr;
using namespace std::string_literals;

namespace {

/// A length-prefixed message around `message`.
std::string framed(const std::string& message, char flag = '\0') {
  std::string out{flag, '\0', '\0', static_cast<char>(message.size() >> 8),
                  static_cast<char>(message.size())};
  return out + message;
}

std::string error_of(const std::string& body, std::size_t cap = 1024) {
  const auto r = decode_health_response(body, cap);
  return r ? "" : r.error();
}

}  // namespace

TEST(grpc_health_message, encodes_the_request_with_its_prefix) {
  EXPECT_EQ(encode_health_request(""), "\0\0\0\0\0"s);  // proto3 leaves "" out
  EXPECT_EQ(encode_health_request("svc"), "\0\0\0\0\x05\x0a\x03svc"s);
  const std::string long_name(200, 'a');  // a two-byte length varint
  EXPECT_EQ(encode_health_request(long_name), "\0\0\0\0\xcb\x0a\xc8\x01"s + long_name);
}

TEST(grpc_health_message, decodes_each_status_and_the_proto3_default) {
  EXPECT_EQ(decode_health_response(framed(""), 1024)->status, 0u);  // UNKNOWN, field left out
  for (std::uint64_t s = 0; s < 4; ++s) {
    EXPECT_EQ(decode_health_response(framed({'\x08', static_cast<char>(s)}), 1024)->status, s);
  }
  EXPECT_EQ(*serving_status_name(1), "SERVING");
  EXPECT_EQ(*serving_status_name(3), "SERVICE_UNKNOWN");
  EXPECT_FALSE(serving_status_name(4).has_value());
  // Unknown fields of every wire type are skipped; the last status wins.
  const std::string message = "\x08\x02\x10\x96\x01\x19"s + std::string(8, 'x') + "\x22\x02hi" +
                              "\x2d" + std::string(4, 'y') + "\x08\x01";
  EXPECT_EQ(decode_health_response(framed(message), 1024)->status, 1u);
}

TEST(grpc_health_message, hostile_bytes_are_each_a_clear_error) {
  EXPECT_THAT(error_of(""), HasSubstr("no response message"));
  EXPECT_THAT(error_of("\0\0\0"s), HasSubstr("shorter than its 5-byte prefix"));
  EXPECT_THAT(error_of(framed("\x08\x01", '\x01')), HasSubstr("compressed"));
  EXPECT_THAT(error_of(framed("\x08\x01", '\x07')), HasSubstr("bad gRPC message flag 0x07"));
  EXPECT_THAT(error_of("\0\xff\xff\xff\xff\x08\x01"s),
              HasSubstr("declares 4294967295 bytes, more than the 1024 byte limit"));
  EXPECT_THAT(error_of("\0\0\0\0\x09\x08\x01"s), HasSubstr("truncated gRPC message: 2 of 9 bytes"));
  EXPECT_THAT(error_of(framed("\x08\x01") + "\0"s), HasSubstr("1 bytes after the response"));
  EXPECT_THAT(error_of(framed("\x08")), HasSubstr("truncated varint"));
  EXPECT_THAT(error_of(framed("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01")),
              HasSubstr("truncated varint"));  // longer than 10 bytes
  EXPECT_THAT(error_of(framed("\x0a\x01x")), HasSubstr("wire type 2, not a varint"));
  EXPECT_THAT(error_of(framed("\x13")), HasSubstr("wire type 3"));
  EXPECT_THAT(error_of(framed("\x00\x01"s)), HasSubstr("field number 0"));
  EXPECT_THAT(error_of(framed("\x12\x05hi")), HasSubstr("truncated length-delimited"));
  EXPECT_THAT(error_of(framed("\x11\x01")), HasSubstr("truncated fixed-size"));
  EXPECT_THAT(error_of(framed("\x80")), HasSubstr("truncated field tag"));
}

TEST(grpc_health_message, random_bytes_never_crash_the_decoder) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string body(rng() % 24, '\0');
    for (auto& c : body) c = static_cast<char>(rng());
    if (i % 2 == 0 && body.size() >= 5) {  // plausible prefixes, so the message parser is reached
      body[0] = 0;
      body[1] = body[2] = body[3] = 0;
      body[4] = static_cast<char>(body.size() - 5);
    }
    (void)decode_health_response(body, 16);
  }
}

TEST(grpc_health_message, status_codes_and_messages_read_as_the_spec_says) {
  EXPECT_EQ(status_code_name(0), "OK");
  EXPECT_EQ(status_code_name(5), "NOT_FOUND");
  EXPECT_EQ(status_code_name(12), "UNIMPLEMENTED");
  EXPECT_EQ(status_code_name(16), "UNAUTHENTICATED");
  EXPECT_EQ(status_code_name(17), "code 17");
  EXPECT_EQ(percent_decode("no%20such%3a service%"), "no such: service%");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode("%E2%9C%93"), "\xe2\x9c\x93");
}
