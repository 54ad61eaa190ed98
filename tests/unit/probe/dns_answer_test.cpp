// Reading DNS answers: the records as Gatus renders them, and bytes that are not an answer.
#include "probe/dns/dns_answer.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace fleetcheck;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

using bytes = std::basic_string<unsigned char>;

bytes name(const std::string& dotted) {
  bytes out;
  std::size_t at = 0;
  while (at < dotted.size()) {
    const auto dot = dotted.find('.', at);
    const auto label = dotted.substr(at, dot == std::string::npos ? std::string::npos : dot - at);
    out += static_cast<unsigned char>(label.size());
    out.append(label.begin(), label.end());
    at = dot == std::string::npos ? dotted.size() : dot + 1;
  }
  return out + static_cast<unsigned char>(0);
}

bytes u16(int v) {
  return {static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v & 0xff)};
}

/// An answer to `qname`/`qtype` with rcode and records (each: type, rdata), names compressed to
/// the question's.
bytes message(int rcode, int qtype, const std::vector<std::pair<int, bytes>>& records) {
  bytes out = u16(0x1234) + u16(0x8180 | rcode) + u16(1) + u16(static_cast<int>(records.size())) +
              u16(0) + u16(1);
  out += name("example.test") + u16(qtype) + u16(1);
  for (const auto& [type, data] : records) {
    out += bytes{0xc0, 0x0c} + u16(type) + u16(1) + bytes{0, 0, 0, 60} +
           u16(static_cast<int>(data.size())) + data;
  }
  return out;
}

core::expected<core::dns_reply> read(const bytes& m) {
  return probe::read_dns_answer(std::span<const unsigned char>(m.data(), m.size()));
}

}  // namespace

TEST(dns_answer, records_are_rendered_as_gatus_does) {
  const auto a = read(message(0, 1, {{1, {10, 0, 0, 7}}, {1, {10, 0, 0, 8}}}));
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->rcode, "NOERROR");
  EXPECT_EQ(a->answer_rrs, 2);
  EXPECT_EQ(a->additional_rrs, 1);
  EXPECT_THAT(a->answers, ElementsAre("10.0.0.7", "10.0.0.8"));
  EXPECT_EQ(probe::gatus_dns_body(*a), "10.0.0.8") << "Gatus keeps the last record";
  bytes v6(16, 0);
  v6[15] = 1;
  EXPECT_THAT(read(message(0, 28, {{28, v6}}))->answers, ElementsAre("::1"));
  EXPECT_THAT(read(message(0, 15, {{15, u16(10) + name("mx1.example.test")}}))->answers,
              ElementsAre("mx1.example.test."));
  EXPECT_THAT(read(message(0, 33, {{33, u16(1) + u16(5) + u16(443) + bytes{0xc0, 0x0c}}}))->answers,
              ElementsAre("example.test.:443"));
  EXPECT_THAT(read(message(0, 16, {{16, bytes{2, 'h', 'i', 3, 'y', 'o', 0x01}}}))->answers,
              ElementsAre("hiyo\\001"));
  EXPECT_THAT(
      read(message(0, 6,
                   {{6, name("ns.example.test") + name("admin.example.test") +
                            bytes{0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4}}}))
          ->answers,
      ElementsAre("ns.example.test. admin.example.test. 7 1 2 3 4"));
}

TEST(dns_answer, rcodes_have_their_iana_names) {
  EXPECT_EQ(read(message(3, 1, {}))->rcode, "NXDOMAIN");
  EXPECT_EQ(read(message(5, 1, {}))->rcode, "REFUSED");
  EXPECT_EQ(read(message(12, 1, {}))->rcode, "RCODE12");
}

TEST(dns_answer, at_most_64_records_are_kept) {
  std::vector<std::pair<int, bytes>> records(100, {1, bytes{127, 0, 0, 1}});
  const auto r = read(message(0, 1, records));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->answer_rrs, 100);
  EXPECT_EQ(r->answers.size(), 64u);
}

TEST(dns_answer, bytes_that_are_not_an_answer_say_why) {
  EXPECT_THAT(read(bytes{1, 2, 3}).error(), HasSubstr("a header is 12"));
  auto query = message(0, 1, {});
  query[2] = 0x01;  // QR clear
  EXPECT_THAT(read(query).error(), HasSubstr("a query, not an answer"));
  auto past_end = message(0, 1, {{1, {10, 0, 0, 7}}});
  past_end.resize(past_end.size() - 2);
  EXPECT_THAT(read(past_end).error(), HasSubstr("runs past the message's end"));
  EXPECT_THAT(read(message(0, 1, {{1, {10, 0, 0}}})).error(), HasSubstr("malformed TYPE1 data"));
  // A name that points at itself: c-ares refuses the loop.
  EXPECT_FALSE(read(message(0, 5, {{5, bytes{0xc0, 0x2a}}})));
}
