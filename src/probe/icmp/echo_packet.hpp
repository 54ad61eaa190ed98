#pragma once
// Internal: ICMP and ICMPv6 echo messages, built and recognised. Pure: no sockets, so that the
// bytes a host sends back can be tested (and fuzzed) as values.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace fleetcheck::probe::icmp {

/// The Internet checksum (RFC 1071) of `bytes`: the ones' complement of their ones' complement
/// sum as 16-bit big-endian words.
std::uint16_t checksum(std::span<const std::uint8_t> bytes);

/// An echo request (IPv4 type 8, IPv6 type 128) with `id`, `sequence` and `payload`. The IPv4
/// checksum is computed; the IPv6 one is left 0, since it covers a pseudo-header with addresses
/// only the kernel knows, and the kernel fills it in (as it does for datagram sockets, which also
/// replace the id).
std::vector<std::uint8_t> make_echo_request(bool v6, std::uint16_t id, std::uint16_t sequence,
                                            std::span<const std::uint8_t> payload);

/// An echo reply as received. `payload` points into the received bytes.
struct echo_reply {
  std::uint16_t id = 0;
  std::uint16_t sequence = 0;
  std::span<const std::uint8_t> payload;
  std::optional<int> ttl;  ///< from the IPv4 header, when the packet came with one
};

/// The echo reply in `packet` (IPv4 type 0, IPv6 type 129), or nothing for anything else: another
/// type or code, a truncated message, an IPv4 header that is not one. `with_ip_header`: the bytes
/// start with the IPv4 header (raw IPv4 sockets); its length is read from the header itself.
/// Safe on any bytes.
std::optional<echo_reply> parse_echo_reply(std::span<const std::uint8_t> packet, bool v6,
                                           bool with_ip_header);

/// Whether `reply` answers the request with `sequence` and `payload` (and `id`, unless the
/// kernel chose the id: datagram sockets).
bool answers(const echo_reply& reply, std::optional<std::uint16_t> id, std::uint16_t sequence,
             std::span<const std::uint8_t> payload);

}  // namespace fleetcheck::probe::icmp
