// fleetcheck-bench-floor: the physical floor of "check N URLs at once" on this machine, for
// reference next to fleetcheck and its peers: one epoll loop on raw non-blocking sockets, a
// fixed request, the status read from the first bytes, nothing else (no parser, no timers per
// check, no DNS, no TLS, no allocation per check), linked statically so that start-up is the
// kernel's exec. A real client cannot be faster than this; how far one is from it is its cost.
//
// It takes the bench clients' flags (--host --base-port --services --count --timeout --deadline;
// target i is http://HOST:BASE+i%K/health) and prints their JSON line, so that
// bench/exit_latency and the harness can run it like any peer. IPv4 hosts only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

/// Checks in flight at once, as for every bench client (fleetcheck::bench::in_flight_cap).
constexpr std::size_t in_flight_cap = 10000;

struct options {
  std::string strategy = "floor";
  std::string host = "127.0.0.1";
  long base_port = 0;
  long services = 100;
  long count = 0;
  double timeout_seconds = 10;
  double deadline_seconds = 300;
};

/// "200ms", "10s", "1.5s": seconds, or a negative number when it is none of these.
double seconds_of(std::string_view text) {
  char* end = nullptr;
  const std::string copy(text);
  const double value = std::strtod(copy.c_str(), &end);
  const std::string_view unit(end);
  if (end == copy.c_str() || value <= 0) return -1;
  if (unit == "ms") return value / 1000;
  if (unit == "s") return value;
  return -1;
}

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--strategy") {
      o.strategy = value;
    } else if (flag == "--host") {
      o.host = value;
    } else if (flag == "--base-port") {
      o.base_port = std::strtol(value, nullptr, 10);
    } else if (flag == "--services") {
      o.services = std::strtol(value, nullptr, 10);
    } else if (flag == "--count") {
      o.count = std::strtol(value, nullptr, 10);
    } else if (flag == "--timeout") {
      o.timeout_seconds = seconds_of(value);
    } else if (flag == "--deadline") {
      o.deadline_seconds = seconds_of(value);
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && o.base_port > 0 && o.services > 0 && o.count > 0 &&
         o.base_port + o.services - 1 <= 65535 && o.timeout_seconds > 0 && o.deadline_seconds > 0;
}

/// One check: its socket and how far it got.
struct check {
  int fd = -1;
  bool sent = false;
  bool ok = false;
  std::size_t seen = 0;  ///< bytes of the status line read so far
  char head[12] = {};    ///< "HTTP/1.1 200"
};

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: fleetcheck-bench-floor --base-port P --count N [--services K] "
                 "[--host IPv4] [--timeout 10s] [--deadline 300s] [--strategy NAME]\n");
    return 2;
  }
  in_addr address{};
  if (inet_pton(AF_INET, o.host.c_str(), &address) != 1) {
    std::fprintf(stderr, "fleetcheck-bench-floor: --host must be an IPv4 address\n");
    return 2;
  }
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  const auto started = std::chrono::steady_clock::now();
  // No timer per check: the run's deadline bounds it all (--timeout is accepted and unused; the
  // mock answers every check).
  const auto until = started + std::chrono::duration<double>(o.deadline_seconds);

  const int loop = epoll_create1(EPOLL_CLOEXEC);
  std::vector<check> checks(static_cast<std::size_t>(o.count));
  std::vector<std::string> requests(static_cast<std::size_t>(o.services));
  for (long k = 0; k < o.services; ++k) {
    requests[static_cast<std::size_t>(k)] = "GET /health HTTP/1.1\r\nHost: " + o.host + ":" +
                                            std::to_string(o.base_port + k) +
                                            "\r\nConnection: close\r\n\r\n";
  }
  std::string first_error;
  std::size_t open = 0;
  std::size_t next = 0;  // the next check to start
  // Starts checks until `cap` are in flight (the same cap as every bench client) or none is left.
  const auto start_more = [&] {
    while (open < in_flight_cap && next < checks.size()) {
      const auto i = next++;
      auto& c = checks[i];
      c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      sockaddr_in to{};
      to.sin_family = AF_INET;
      to.sin_port =
          htons(static_cast<std::uint16_t>(o.base_port + static_cast<long>(i) % o.services));
      to.sin_addr = address;
      if (c.fd < 0 || (connect(c.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 &&
                       errno != EINPROGRESS)) {
        if (first_error.empty()) first_error = std::string("connect: ") + std::strerror(errno);
        if (c.fd >= 0) close(c.fd);
        c.fd = -1;
        continue;
      }
      epoll_event e{};
      e.events = EPOLLOUT | EPOLLIN;
      e.data.u64 = i;
      epoll_ctl(loop, EPOLL_CTL_ADD, c.fd, &e);
      ++open;
    }
  };
  start_more();
  std::vector<epoll_event> ready(256);
  char buffer[4096];
  while (open > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    const int n = epoll_wait(loop, ready.data(), static_cast<int>(ready.size()),
                             static_cast<int>(left.count()) + 1);
    for (int j = 0; j < n; ++j) {
      auto& c = checks[ready[static_cast<std::size_t>(j)].data.u64];
      const auto events = ready[static_cast<std::size_t>(j)].events;
      const auto index = static_cast<std::size_t>(&c - checks.data());
      bool done = false;
      if (!c.sent && (events & EPOLLOUT) != 0 && (events & (EPOLLERR | EPOLLHUP)) == 0) {
        const auto& request = requests[index % requests.size()];
        c.sent = send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                 static_cast<ssize_t>(request.size());
        epoll_event e{};
        e.events = EPOLLIN;
        e.data.u64 = index;
        epoll_ctl(loop, EPOLL_CTL_MOD, c.fd, &e);
        done = !c.sent;
      } else {
        for (;;) {
          const auto got = read(c.fd, buffer, sizeof buffer);
          if (got > 0) {
            for (ssize_t b = 0; b < got && c.seen < sizeof c.head; ++b)
              c.head[c.seen++] = buffer[b];
            continue;
          }
          done = got == 0 || errno != EAGAIN;
          break;
        }
      }
      if (done) {
        c.ok = c.seen == sizeof c.head && std::memcmp(c.head, "HTTP/1.", 7) == 0 &&
               std::memcmp(c.head + 8, " 200", 4) == 0;
        if (!c.ok && first_error.empty()) first_error = "no 200 answer";
        close(c.fd);
        c.fd = -1;
        --open;
      }
    }
    start_more();
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  long ok = 0;
  for (const auto& c : checks) ok += c.ok ? 1 : 0;
  if ((open > 0 || next < checks.size()) && first_error.empty()) first_error = "timed out";
  std::printf(
      "{\"strategy\":\"%s\",\"n\":%ld,\"ok\":%ld,\"failed\":%ld,\"elapsed_seconds\":%.6f%s%s%s}\n",
      o.strategy.c_str(), o.count, ok, o.count - ok, elapsed,
      first_error.empty() ? "" : ",\"first_error\":\"", first_error.c_str(),
      first_error.empty() ? "" : "\"");
  std::fflush(stdout);
  _exit(0);  // the floor does not unwind either: the kernel closes whatever is left
}
