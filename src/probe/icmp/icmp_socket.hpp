#pragma once
// Internal: opening a socket that can send ICMP echo requests, with the least privilege the host
// allows.

#include <functional>

#include "fleetcheck/core/expected.hpp"

namespace fleetcheck::probe::icmp {

/// How the socket reaches ICMP. A datagram ("ping") socket needs no privilege where
/// net.ipv4.ping_group_range admits the process's group: the kernel chooses the id, fills in
/// checksums and hands it only the replies to its own requests. A raw socket needs root or
/// CAP_NET_RAW and receives every ICMP message the host receives (IPv4: with the IP header).
enum class socket_kind { datagram, raw };

struct opened_socket {
  int fd = -1;  ///< owned by the caller; non-blocking, close-on-exec
  socket_kind kind = socket_kind::datagram;
};

/// socket(2), as the probe calls it: returns a descriptor, or -1 with errno set. Replaceable so
/// that tests can make the host refuse what they need.
using socket_opener = std::function<int(int domain, int type, int protocol)>;

/// IPPROTO_ICMPV6 or IPPROTO_ICMP.
int icmp_protocol(bool v6);

/// ::socket itself.
int system_socket(int domain, int type, int protocol);

/// A datagram ICMP (`v6`: ICMPv6) socket, else a raw one; the reason when neither can be opened:
/// "ICMP needs a ping or a raw socket: neither unprivileged ping sockets
/// (net.ipv4.ping_group_range) nor raw sockets (root or CAP_NET_RAW) are allowed" when both are
/// refused for want of privilege, else the system's error.
core::expected<opened_socket> open_icmp_socket(bool v6, const socket_opener& open = system_socket);

}  // namespace fleetcheck::probe::icmp
