#include "probe/icmp/echo_packet.hpp"

#include <algorithm>

namespace fleetcheck::probe::icmp {

namespace {

constexpr std::uint8_t echo_request_v4 = 8;
constexpr std::uint8_t echo_reply_v4 = 0;
constexpr std::uint8_t echo_request_v6 = 128;
constexpr std::uint8_t echo_reply_v6 = 129;
constexpr std::size_t echo_header = 8;  // type, code, checksum, id, sequence
constexpr std::size_t min_ipv4_header = 20;
constexpr std::uint8_t protocol_icmp = 1;

std::uint16_t read16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

}  // namespace

std::uint16_t checksum(std::span<const std::uint8_t> bytes) {
  std::uint32_t sum = 0;
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum += read16(bytes, i);
  if (i < bytes.size()) sum += static_cast<std::uint32_t>(bytes[i]) << 8;
  while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

std::vector<std::uint8_t> make_echo_request(bool v6, std::uint16_t id, std::uint16_t sequence,
                                            std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out(echo_header + payload.size());
  out[0] = v6 ? echo_request_v6 : echo_request_v4;
  out[1] = 0;
  out[4] = static_cast<std::uint8_t>(id >> 8);
  out[5] = static_cast<std::uint8_t>(id);
  out[6] = static_cast<std::uint8_t>(sequence >> 8);
  out[7] = static_cast<std::uint8_t>(sequence);
  std::copy(payload.begin(), payload.end(), out.begin() + echo_header);
  if (!v6) {
    const auto sum = checksum(out);
    out[2] = static_cast<std::uint8_t>(sum >> 8);
    out[3] = static_cast<std::uint8_t>(sum);
  }
  return out;
}

std::optional<echo_reply> parse_echo_reply(std::span<const std::uint8_t> packet, bool v6,
                                           bool with_ip_header) {
  echo_reply reply;
  if (with_ip_header) {
    if (packet.size() < min_ipv4_header || (packet[0] >> 4) != 4) return std::nullopt;
    const std::size_t header = static_cast<std::size_t>(packet[0] & 0x0f) * 4;
    if (header < min_ipv4_header || header > packet.size() || packet[9] != protocol_icmp) {
      return std::nullopt;
    }
    reply.ttl = packet[8];
    packet = packet.subspan(header);
  }
  if (packet.size() < echo_header) return std::nullopt;
  if (packet[0] != (v6 ? echo_reply_v6 : echo_reply_v4) || packet[1] != 0) return std::nullopt;
  reply.id = read16(packet, 4);
  reply.sequence = read16(packet, 6);
  reply.payload = packet.subspan(echo_header);
  return reply;
}

bool answers(const echo_reply& reply, std::optional<std::uint16_t> id, std::uint16_t sequence,
             std::span<const std::uint8_t> payload) {
  if (id && reply.id != *id) return false;
  return reply.sequence == sequence &&
         std::equal(reply.payload.begin(), reply.payload.end(), payload.begin(), payload.end());
}

}  // namespace fleetcheck::probe::icmp
