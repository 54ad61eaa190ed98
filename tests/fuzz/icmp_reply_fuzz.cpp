// ICMP and ICMPv6 echo replies with hostile bytes: whatever a host (or anything else on a raw
// socket) sends goes through the reader the icmp:// probe uses, in each of its three framings
// (IPv4 with the IP header, as raw sockets deliver it; IPv4 without, as ping sockets do; IPv6),
// then is matched against a request. Any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <span>

#include "probe/icmp/echo_packet.hpp"

using namespace fleetcheck::probe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool v6 = (data[0] & 1) != 0;
  const bool with_ip_header = !v6 && (data[0] & 2) != 0;
  const std::span<const std::uint8_t> packet(data + 1, size - 1);
  const auto reply = icmp::parse_echo_reply(packet, v6, with_ip_header);
  if (!reply) return 0;
  // The payload is a view into the bytes received, never past them.
  if (reply->payload.data() < packet.data() ||
      reply->payload.data() + reply->payload.size() > packet.data() + packet.size()) {
    __builtin_trap();
  }
  if (reply->ttl && (*reply->ttl < 0 || *reply->ttl > 255)) __builtin_trap();
  static const std::uint8_t payload[] = {'f', 'l', 'e', 'e', 't'};
  (void)icmp::answers(*reply, std::uint16_t{7}, 1, payload);
  (void)icmp::answers(*reply, std::nullopt, reply->sequence, reply->payload);
  return 0;
}
