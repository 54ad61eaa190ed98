#include "fleetcheck/bench/mock_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "fleetcheck/bench/child_process.hpp"

namespace fleetcheck::bench {
namespace {

using clock = std::chrono::steady_clock;

/// Whether `port` on 127.0.0.1 can be bound as the mock binds it (SO_REUSEADDR, so that old
/// TIME_WAIT connections do not count).
bool port_is_free(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

/// The low end of net.ipv4.ip_local_port_range.
unsigned ephemeral_low() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned low = 32768;
  in >> low;
  return low;
}

std::string read_file_tail(const std::filesystem::path& path, std::size_t max = 2000) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto s = text.str();
  if (s.size() > max) s.erase(0, s.size() - max);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) return fmt::format("was killed by {}", signal_name(WTERMSIG(status)));
  return fmt::format("exited with status {}", WEXITSTATUS(status));
}

}  // namespace

std::uint16_t find_free_port_range(std::size_t count) {
  const unsigned low_limit = 10000;
  const unsigned high_limit = std::max(ephemeral_low(), low_limit + 1000u);
  if (count == 0 || low_limit + count >= high_limit) {
    throw harness_error(fmt::format("cannot fit {} mock ports below the ephemeral range", count));
  }
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<unsigned> pick(low_limit,
                                               high_limit - static_cast<unsigned>(count));
  for (int attempt = 0; attempt < 50; ++attempt) {
    const auto base = static_cast<std::uint16_t>(pick(rng));
    bool free = true;
    for (std::size_t i = 0; i < count && free; ++i) {
      free = port_is_free(static_cast<std::uint16_t>(base + i));
    }
    if (free) return base;
  }
  throw harness_error(
      fmt::format("found no {} consecutive free ports on 127.0.0.1 in {}-{}; give --base-port",
                  count, low_limit, high_limit));
}

mock_process::mock_process(mock_settings settings) : settings_(std::move(settings)) {
  if (settings_.base_port != 0) {
    if (settings_.base_port + settings_.services - 1 > 65535) {
      throw harness_error(fmt::format("--base-port {}: {} ports from there run past 65535",
                                      settings_.base_port, settings_.services));
    }
    if (!try_start(settings_.base_port, false)) {
      throw harness_error("unreachable: a chosen port range is reported as an error");
    }
    return;
  }
  // Another program may take a port between our probe and the mock's bind: try a few ranges.
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (try_start(find_free_port_range(settings_.services), true)) return;
  }
  throw harness_error("the mock fleet found every port range we tried already in use");
}

bool mock_process::try_start(std::uint16_t port, bool chosen_by_us) {
  const int log =
      ::open(settings_.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) {
    throw harness_error(
        fmt::format("cannot write {}: {}", settings_.log_file.string(), std::strerror(errno)));
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    ::close(log);
    throw harness_error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  const std::vector<std::string> argv = {settings_.program.string(),
                                         "--host",
                                         "127.0.0.1",
                                         "--base-port",
                                         std::to_string(port),
                                         "--services",
                                         std::to_string(settings_.services),
                                         "--delay",
                                         core::format_duration(settings_.delay)};
  try {
    pid_ = spawn_process(argv, fds[1], log);
  } catch (const std::runtime_error& e) {
    ::close(fds[0]);
    ::close(fds[1]);
    ::close(log);
    throw harness_error(fmt::format("the mock fleet did not start: {}", e.what()));
  }
  ::close(fds[1]);
  ::close(log);
  stdout_ = fds[0];

  // Wait for "fleetcheck-mock ready: ..." (the mock prints it once every listener is bound).
  const auto give_up = clock::now() + settings_.ready_timeout;
  std::string line;
  bool eof = false;
  while (line.find('\n') == std::string::npos && !eof) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - clock::now());
    if (left.count() <= 0 || interrupted()) break;
    pollfd p{stdout_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count()) + 1) <= 0) continue;
    char chunk[512];
    const auto n = ::read(stdout_, chunk, sizeof chunk);
    if (n <= 0) {
      eof = n == 0 || (errno != EINTR && errno != EAGAIN);
      continue;
    }
    line.append(chunk, static_cast<std::size_t>(n));
  }
  if (line.find('\n') != std::string::npos && line.starts_with("fleetcheck-mock ready")) {
    ready_line_ = line.substr(0, line.find('\n'));
    base_port_ = port;
    return true;
  }

  // It did not come up: say why, from its exit status and its own words.
  int status = 0;
  pid_t reaped = 0;
  for (int i = 0; i < 100 && reaped == 0; ++i) {  // up to 1 s for an exiting mock to be reaped
    reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const bool exited = reaped == pid_;
  if (!exited) stop();
  pid_ = -1;
  ::close(stdout_);
  stdout_ = -1;
  const auto said = read_file_tail(settings_.log_file);
  const bool in_use = said.find("already in use") != std::string::npos;
  if (in_use && chosen_by_us) return false;
  if (in_use) {
    throw harness_error(fmt::format(
        "the mock fleet cannot listen on 127.0.0.1 ports {}-{}: {}\n(pick another --base-port, "
        "or --base-port 0 to let the harness find a free range)",
        port, port + settings_.services - 1, said));
  }
  if (interrupted()) throw harness_error("interrupted while the mock fleet was starting");
  if (exited) {
    throw harness_error(fmt::format("the mock fleet ({}) {} before it was ready{}{}",
                                    settings_.program.string(), describe_exit(status),
                                    said.empty() ? "" : ": ", said));
  }
  throw harness_error(fmt::format(
      "the mock fleet ({}) did not say it was ready within {}; stopped it{}{}",
      settings_.program.string(),
      core::format_duration(std::chrono::duration_cast<core::duration>(settings_.ready_timeout)),
      said.empty() ? "" : ". It said: ", said));
}

mock_process::~mock_process() {
  stop();
}

void mock_process::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    bool reaped = false;
    for (int i = 0; i < 500 && !reaped; ++i) {  // 5 s for a clean stop, then no more patience
      reaped = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!reaped) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  if (stdout_ >= 0) ::close(stdout_);
  stdout_ = -1;
}

bool mock_process::alive(std::string& why) {
  if (pid_ <= 0) {
    why = "not running";
    return false;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
  pid_ = -1;
  const auto said = read_file_tail(settings_.log_file, 500);
  why = fmt::format("the mock fleet {}{}{}", describe_exit(status), said.empty() ? "" : ": ", said);
  return false;
}

mock_process::cpu_times mock_process::cpu() const {
  if (pid_ <= 0) return {};
  std::ifstream in(fmt::format("/proc/{}/stat", pid_));
  std::string stat;
  std::getline(in, stat);
  // Fields after the command name (which may hold spaces, hence the last ')'): state is field 3,
  // utime and stime are fields 14 and 15.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  const auto tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return {static_cast<double>(utime) / tick, static_cast<double>(stime) / tick};
}

}  // namespace fleetcheck::bench
