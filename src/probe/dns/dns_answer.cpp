#include "probe/dns/dns_answer.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <memory>

#include <fmt/format.h>

namespace fleetcheck::probe {

namespace {

constexpr std::size_t most_answers = 64;
constexpr std::size_t longest_answer = 1024;

struct type_name {
  std::string_view name;
  int number;
};
constexpr type_name types[] = {{"A", 1},   {"NS", 2},   {"CNAME", 5}, {"SOA", 6}, {"PTR", 12},
                               {"MX", 15}, {"TXT", 16}, {"AAAA", 28}, {"SRV", 33}};

constexpr std::string_view rcodes[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                       "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                       "NXRRSET", "NOTAUTH", "NOTZONE"};

/// A bounds-checked reader over one message.
class wire {
 public:
  explicit wire(std::span<const unsigned char> m) : m_(m) {}

  bool has(std::size_t n, std::size_t at) const { return at <= m_.size() && n <= m_.size() - at; }
  std::uint16_t u16(std::size_t at) const {
    return static_cast<std::uint16_t>((m_[at] << 8) | m_[at + 1]);
  }
  std::uint32_t u32(std::size_t at) const { return (std::uint32_t{u16(at)} << 16) | u16(at + 2); }
  /// The (compressed) name at `at` as text with its trailing dot, and its length on the wire.
  std::optional<std::pair<std::string, std::size_t>> name(std::size_t at) const {
    if (at >= m_.size()) return std::nullopt;
    char* expanded = nullptr;
    long length = 0;
    if (ares_expand_name(m_.data() + at, m_.data(), static_cast<int>(m_.size()), &expanded,
                         &length) != ARES_SUCCESS) {
      return std::nullopt;
    }
    const std::unique_ptr<char, decltype(&ares_free_string)> owned(expanded, &ares_free_string);
    std::string text(expanded);
    text += '.';  // miekg/dns (Gatus) prints names fully qualified; the root is "."
    if (text == "..") text = ".";
    return std::pair{std::move(text), static_cast<std::size_t>(length)};
  }
  const unsigned char* at(std::size_t i) const { return m_.data() + i; }

 private:
  std::span<const unsigned char> m_;
};

/// TXT character-strings as text: the strings one after the other, bytes outside printable
/// ASCII as \DDD (as dig does).
std::string txt_text(const wire& w, std::size_t at, std::size_t length) {
  std::string out;
  const std::size_t end = at + length;
  while (at < end) {
    const std::size_t n = *w.at(at);
    ++at;
    for (std::size_t i = 0; i < n && at < end; ++i, ++at) {
      const auto c = *w.at(at);
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        out += static_cast<char>(c);
      } else {
        out += fmt::format("\\{:03}", c);
      }
    }
  }
  return out;
}

/// One record's data as Gatus renders it; nullopt when the data does not fit its type.
std::optional<std::string> render(const wire& w, int type, std::size_t at, std::size_t length) {
  switch (type) {
    case 1:
    case 28: {
      if (length != (type == 1 ? 4u : 16u)) return std::nullopt;
      std::array<char, INET6_ADDRSTRLEN> text{};
      if (inet_ntop(type == 1 ? AF_INET : AF_INET6, w.at(at), text.data(), text.size()) ==
          nullptr) {
        return std::nullopt;
      }
      return std::string(text.data());
    }
    case 2:
    case 5:
    case 12: {
      const auto n = w.name(at);
      if (!n || n->second > length) return std::nullopt;
      return n->first;
    }
    case 15: {
      if (length < 3) return std::nullopt;
      const auto n = w.name(at + 2);
      if (!n || n->second + 2 > length) return std::nullopt;
      return n->first;
    }
    case 33: {
      if (length < 7) return std::nullopt;
      const auto n = w.name(at + 6);
      if (!n || n->second + 6 > length) return std::nullopt;
      return fmt::format("{}:{}", n->first, w.u16(at + 4));
    }
    case 16:
      return txt_text(w, at, length);
    case 6: {
      const auto mname = w.name(at);
      if (!mname || mname->second > length) return std::nullopt;
      const auto rname = w.name(at + mname->second);
      if (!rname || mname->second + rname->second + 20 != length) return std::nullopt;
      const auto numbers = at + mname->second + rname->second;
      return fmt::format("{} {} {} {} {} {} {}", mname->first, rname->first, w.u32(numbers),
                         w.u32(numbers + 4), w.u32(numbers + 8), w.u32(numbers + 12),
                         w.u32(numbers + 16));
    }
    default:
      return fmt::format("TYPE{}", type);  // Gatus: "query type is not supported yet"
  }
}

}  // namespace

std::optional<int> dns_type_number(std::string_view type) {
  for (const auto& t : types) {
    if (t.name == type) return t.number;
  }
  return std::nullopt;
}

std::string dns_rcode_name(int rcode) {
  if (rcode >= 0 && static_cast<std::size_t>(rcode) < std::size(rcodes)) {
    return std::string(rcodes[rcode]);
  }
  return fmt::format("RCODE{}", rcode);
}

core::expected<core::dns_reply> read_dns_answer(std::span<const unsigned char> message) {
  const wire w(message);
  if (!w.has(12, 0)) {
    return core::unexpected{
        fmt::format("a DNS answer of {} bytes (a header is 12)", message.size())};
  }
  if ((message[2] & 0x80) == 0) return core::unexpected{"the server sent a query, not an answer"};
  core::dns_reply reply;
  reply.rcode = dns_rcode_name(message[3] & 0x0f);
  const int questions = w.u16(4);
  reply.answer_rrs = w.u16(6);
  reply.authority_rrs = w.u16(8);
  reply.additional_rrs = w.u16(10);

  std::size_t at = 12;
  for (int i = 0; i < questions; ++i) {
    const auto n = w.name(at);
    if (!n || !w.has(4, at + n->second)) {
      return core::unexpected{"a malformed question section in the DNS answer"};
    }
    at += n->second + 4;
  }
  for (int i = 0; i < reply.answer_rrs; ++i) {
    const auto n = w.name(at);
    if (!n || !w.has(10, at + n->second)) {
      return core::unexpected{
          fmt::format("a malformed answer record ({} of {})", i + 1, reply.answer_rrs)};
    }
    at += n->second;
    const int type = w.u16(at);
    const std::size_t length = w.u16(at + 8);
    at += 10;
    if (!w.has(length, at)) {
      return core::unexpected{fmt::format("answer record {} of {} runs past the message's end",
                                          i + 1, reply.answer_rrs)};
    }
    if (reply.answers.size() < most_answers) {
      auto text = render(w, type, at, length);
      if (!text) {
        return core::unexpected{fmt::format("answer record {} of {}: malformed TYPE{} data", i + 1,
                                            reply.answer_rrs, type)};
      }
      if (text->size() > longest_answer) text->resize(longest_answer);
      reply.answers.push_back(std::move(*text));
    }
    at += length;
  }
  return reply;
}

std::string gatus_dns_body(const core::dns_reply& reply) {
  return reply.answers.empty() ? std::string() : reply.answers.back();
}

}  // namespace fleetcheck::probe
