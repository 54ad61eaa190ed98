#include "probe/icmp/icmp_probe.hpp"

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/generic/datagram_protocol.hpp>
#include <boost/asio/ip/icmp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <linux/filter.h>
#include <linux/icmp.h>

#include "probe/classify.hpp"
#include "probe/dns_cache.hpp"
#include "probe/icmp/echo_packet.hpp"
#include "probe/icmp/icmp_socket.hpp"

namespace fleetcheck::probe {

namespace asio = net::asio;
using net::clock;
using namespace asio::experimental::awaitable_operators;
using generic_socket = asio::generic::datagram_protocol::socket;

namespace {

constexpr std::string_view payload_text = "fleetcheck";
constexpr std::size_t cookie_bytes = 8;

/// Per attempt: a random id, sequence and cookie, so that concurrent checks of one host (and
/// other programs pinging it) never take each other's replies.
struct echo_request {
  std::uint16_t id;
  std::uint16_t sequence;
  std::vector<std::uint8_t> payload;
};

echo_request random_request() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto bits = random();
  echo_request r{static_cast<std::uint16_t>(bits), static_cast<std::uint16_t>(bits >> 16), {}};
  const auto cookie = random();
  for (std::size_t i = 0; i < cookie_bytes; ++i) {
    r.payload.push_back(static_cast<std::uint8_t>(cookie >> (8 * i)));
  }
  r.payload.insert(r.payload.end(), payload_text.begin(), payload_text.end());
  return r;
}

/// Asks for the reply's TTL / hop limit as ancillary data; a kernel that refuses only costs the
/// probe_icmp_reply_hop_limit sample.
void ask_for_hop_limit(int fd, bool v6) {
  const int on = 1;
  if (v6) {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
  } else {
    ::setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
  }
}

/// A raw socket receives every ICMP message of the host: at thousands of checks at once, each
/// socket would copy every other check's traffic (and drop its own reply when its buffer fills).
/// The kernel's filters keep only echo replies, and connect() only those from the target.
void narrow_raw_socket(int fd, bool v6) {
  if (v6) {
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    ::setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
  } else {
    icmp_filter filter{~(1U << ICMP_ECHOREPLY)};
    ::setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter);
  }
}

/// Narrows a raw socket further, to the one reply it waits for: a kernel filter that passes only
/// an echo reply with this request's id and sequence. Without it every raw socket is handed every
/// echo reply from the target: at thousands of checks of one host at once (and with two loops
/// sending while a socket waits), each buffer fills with the others' replies and the kernel drops
/// the socket's own reply when it comes (issue 11: a few `timeout` rows per 5,000 pings of
/// 127.0.0.1 on two loops). A raw IPv4 socket's filter sees the IP header first, ICMPv6 the
/// ICMPv6 header. A kernel that refuses the filter leaves read_pending to tell replies apart.
void pass_only_the_reply(int fd, bool v6, std::uint16_t id, std::uint16_t sequence) {
  const std::uint32_t reply_type = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
  std::array<sock_filter, 9> program{{
      // X = where the ICMP message starts: past the IPv4 header, at 0 for ICMPv6.
      v6 ? sock_filter BPF_STMT(BPF_LDX | BPF_IMM, 0)
         : sock_filter BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
      BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),  // type
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, reply_type, 0, 5),
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),  // id
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, id, 0, 3),
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 6),  // sequence
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sequence, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),  // the whole message
      BPF_STMT(BPF_RET | BPF_K, 0),       // nothing
  }};
  sock_fprog filter{static_cast<unsigned short>(program.size()), program.data()};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &filter, sizeof filter) != 0) return;
  // What the socket took before the filter (other checks' replies, while this thread was not
  // running) would still count against its buffer: a full one drops the reply. It goes now; the
  // buffer bounds how much there is.
  std::array<std::uint8_t, 64> scratch;
  for (int bound = 0; bound < 65536; ++bound) {
    if (::recv(fd, scratch.data(), scratch.size(), MSG_DONTWAIT | MSG_TRUNC) < 0) break;
  }
}

std::optional<int> hop_limit_of(msghdr& message) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    const bool ttl = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL;
    const bool hop = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT;
    if ((ttl || hop) && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      int value = 0;
      std::memcpy(&value, CMSG_DATA(c), sizeof value);
      return value;
    }
  }
  return std::nullopt;
}

bool same_address(const sockaddr_storage& from, const asio::ip::address& to) {
  if (to.is_v4() && from.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(from);
    const auto bytes = to.to_v4().to_bytes();
    return std::memcmp(&in.sin_addr, bytes.data(), bytes.size()) == 0;
  }
  if (to.is_v6() && from.ss_family == AF_INET6) {
    const auto& in = reinterpret_cast<const sockaddr_in6&>(from);
    const auto bytes = to.to_v6().to_bytes();
    return std::memcmp(&in.sin6_addr, bytes.data(), bytes.size()) == 0;
  }
  return false;
}

/// `more_waiting`: the bound on one read was reached with datagrams still queued. The socket's
/// readiness is edge-triggered, so waiting for it then could sleep past a reply already queued.
enum class received { reply, nothing_yet, more_waiting, error };

/// Reads every datagram waiting on the socket; says whether one was the reply to `request`.
received read_pending(int fd, bool v6, icmp::socket_kind kind, const asio::ip::address& to,
                      const echo_request& request, std::optional<int>& hop_limit, int& error) {
  // A raw socket sees every ICMP message of the host; bytes past the buffer are cut off and such
  // a message cannot be the reply (ours is small).
  std::array<std::uint8_t, 2048> buffer;
  alignas(cmsghdr) std::array<char, 128> control;
  for (int bound = 0; bound < 1024; ++bound) {
    sockaddr_storage from{};
    iovec io{buffer.data(), buffer.size()};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    const auto n = ::recvmsg(fd, &message, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return received::nothing_yet;
      error = errno;
      return received::error;
    }
    if ((message.msg_flags & MSG_TRUNC) != 0 || !same_address(from, to)) continue;
    const bool raw = kind == icmp::socket_kind::raw;
    const auto reply = icmp::parse_echo_reply(
        std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)), v6, raw && !v6);
    // The kernel chose a datagram socket's id (and only hands it its own replies).
    if (!reply || !icmp::answers(*reply, raw ? std::optional(request.id) : std::nullopt,
                                 request.sequence, request.payload)) {
      continue;
    }
    hop_limit = hop_limit_of(message);
    if (!hop_limit) hop_limit = reply->ttl;
    return received::reply;
  }
  return received::more_waiting;
}

}  // namespace

asio::awaitable<check::attempt_result> attempt(const core::target& t, const core::icmp_spec& spec,
                                               context& ctx) {
  attempt_recorder record(ctx.phase);
  auto& seen = record.result.seen;
  seen.icmp.emplace();
  const failure_context about{spec.at.host, 0, 0};

  record.enter(core::probe_phase::resolve);
  auto [resolve_error, addresses] = co_await ctx.dns.resolve(spec.at.host, ctx.deadline.at);
  if (resolve_error) co_return record.fail(classify(resolve_error, record.current(), 0, about));
  const auto to = addresses->front();
  const bool v6 = to.is_v6();
  if (!t.settings.conditions.empty()) seen.ip = to.to_string();

  record.enter(core::probe_phase::connect);  // blackbox_exporter's "setup"
  auto opened = icmp::open_icmp_socket(v6);
  if (!opened) co_return record.fail(core::failure::io_error, std::move(opened.error()));
  const auto executor = co_await asio::this_coro::executor;
  generic_socket socket(executor);
  boost::system::error_code ec;
  socket.assign(asio::generic::datagram_protocol(v6 ? AF_INET6 : AF_INET, icmp::icmp_protocol(v6)),
                opened->fd, ec);
  if (ec) {
    ::close(opened->fd);
    co_return record.fail(classify(ec, record.current(), 0, about));
  }
  ask_for_hop_limit(opened->fd, v6);
  const auto request = random_request();
  if (opened->kind == icmp::socket_kind::raw) {
    narrow_raw_socket(opened->fd, v6);
    pass_only_the_reply(opened->fd, v6, request.id, request.sequence);
  }
  const auto packet = icmp::make_echo_request(v6, request.id, request.sequence, request.payload);
  const asio::ip::icmp::endpoint ip_destination(to, 0);
  const asio::generic::datagram_protocol::endpoint destination(
      ip_destination.data(), ip_destination.size(), icmp::icmp_protocol(v6));

  // The round trip is timed from just before the send: what blackbox_exporter calls "rtt".
  record.enter(core::probe_phase::first_byte);
  const auto sent = clock::now();
  // Connected, the socket only receives what the target sends (raw and ping sockets alike).
  socket.connect(destination, ec);
  // A datagram send does not block on a healthy host; a full buffer is a failure of this check.
  if (!ec) socket.send(asio::buffer(packet), 0, ec);
  if (ec) co_return record.fail(classify(ec, record.current(), 0, about));

  asio::steady_timer timer(executor);
  for (;;) {
    std::optional<int> hop_limit;
    int error = 0;
    const auto got = read_pending(opened->fd, v6, opened->kind, to, request, hop_limit, error);
    if (got == received::reply) {
      seen.icmp->rtt_seconds = net::seconds_between(sent, clock::now());
      seen.icmp->hop_limit = hop_limit;
      break;
    }
    if (got == received::error) {
      co_return record.fail(
          classify(boost::system::error_code(error, boost::system::system_category()),
                   record.current(), 0, about));
    }
    if (clock::now() >= ctx.deadline.at) co_return record.fail(core::failure::timeout, "");
    if (got == received::more_waiting) {
      // Let the loop's other checks run, then read on.
      co_await asio::post(executor, asio::use_awaitable);
      continue;
    }
    timer.expires_at(ctx.deadline.at);
    const auto woke = co_await (socket.async_wait(generic_socket::wait_read, net::use_nothrow) ||
                                timer.async_wait(net::use_nothrow));
    // Either wait failing (the check cancelled, the socket broken) ends the check; the timer
    // firing leads to the timeout above.
    const auto [wait_error] = woke.index() == 0 ? std::get<0>(woke) : std::get<1>(woke);
    if (wait_error) co_return record.fail(classify(wait_error, record.current(), 0, about));
  }
  record.enter(core::probe_phase::done);
  co_return record.finish();
}

}  // namespace fleetcheck::probe
