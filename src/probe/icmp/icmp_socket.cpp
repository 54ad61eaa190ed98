#include "probe/icmp/icmp_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace fleetcheck::probe::icmp {

namespace {

bool is_permission(int error) {
  return error == EACCES || error == EPERM;
}

}  // namespace

int icmp_protocol(bool v6) {
  return v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
}

int system_socket(int domain, int type, int protocol) {
  return ::socket(domain, type, protocol);
}

core::expected<opened_socket> open_icmp_socket(bool v6, const socket_opener& open) {
  const int domain = v6 ? AF_INET6 : AF_INET;
  const int protocol = icmp_protocol(v6);
  constexpr int flags = static_cast<int>(SOCK_NONBLOCK) | static_cast<int>(SOCK_CLOEXEC);
  // The unprivileged kind first: a process that may use it should never need root for a ping.
  if (const int fd = open(domain, SOCK_DGRAM | flags, protocol); fd >= 0) {
    return opened_socket{fd, socket_kind::datagram};
  }
  const int datagram_error = errno;
  if (const int fd = open(domain, SOCK_RAW | flags, protocol); fd >= 0) {
    return opened_socket{fd, socket_kind::raw};
  }
  const int raw_error = errno;
  if (is_permission(datagram_error) && is_permission(raw_error)) {
    return core::unexpected{std::string(
        "ICMP needs a ping or a raw socket: neither unprivileged ping sockets "
        "(net.ipv4.ping_group_range) nor raw sockets (root or CAP_NET_RAW) are allowed")};
  }
  const int shown = is_permission(raw_error) ? datagram_error : raw_error;
  return core::unexpected{
      fmt::format("cannot open an ICMP{} socket: {}", v6 ? "v6" : "", std::strerror(shown))};
}

}  // namespace fleetcheck::probe::icmp
