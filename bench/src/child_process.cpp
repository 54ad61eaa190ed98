#include "fleetcheck/bench/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace fleetcheck::bench {
namespace {

using clock = std::chrono::steady_clock;

volatile std::sig_atomic_t interrupt_flag = 0;

void on_interrupt(int) {
  interrupt_flag = 1;
}

constexpr std::size_t max_stdout = 1 << 20;
constexpr std::size_t max_stderr_tail = 4096;

/// A pipe whose ends close themselves.
struct pipe_pair {
  int read = -1, write = -1;
  pipe_pair() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    }
    read = fds[0];
    write = fds[1];
  }
  ~pipe_pair() {
    close_read();
    close_write();
  }
  pipe_pair(const pipe_pair&) = delete;
  pipe_pair& operator=(const pipe_pair&) = delete;
  void close_read() {
    if (read >= 0) ::close(read);
    read = -1;
  }
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
};

/// Reads what is available from `fd` into `sink` (keeping the head up to `cap`, or the tail when
/// `keep_tail`). Returns false at end of file.
bool drain_into(int fd, std::string& sink, std::size_t cap, bool keep_tail) {
  char chunk[8192];
  const auto n = ::read(fd, chunk, sizeof chunk);
  if (n == 0) return false;
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (keep_tail) {
    sink.append(chunk, static_cast<std::size_t>(n));
    if (sink.size() > cap) sink.erase(0, sink.size() - cap);
  } else if (sink.size() < cap) {
    sink.append(chunk, std::min(static_cast<std::size_t>(n), cap - sink.size()));
  }
  return true;
}

process_usage usage_from(const rusage& ru, clock::time_point started, clock::time_point ended) {
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  process_usage u;
  u.wall_seconds = std::chrono::duration<double>(ended - started).count();
  u.user_seconds = seconds(ru.ru_utime);
  u.sys_seconds = seconds(ru.ru_stime);
  u.max_rss_kib = ru.ru_maxrss;
  u.voluntary_switches = ru.ru_nvcsw;
  u.involuntary_switches = ru.ru_nivcsw;
  return u;
}

}  // namespace

pid_t spawn_process(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd) {
  if (argv.empty()) throw std::invalid_argument("spawn_process: empty argv");
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pipe_pair exec_status;  // close-on-exec: reads EOF when exec succeeded, an errno when it failed
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    if (devnull >= 0) ::close(devnull);
    throw std::runtime_error(fmt::format("cannot start {}: fork: {}", argv[0], std::strerror(e)));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the harness died before prctl took effect
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(stdout_fd, STDOUT_FILENO);
    ::dup2(stderr_fd, STDERR_FILENO);
    // Dispositions we set (ignored SIGPIPE, say) would survive exec; children start clean.
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::execv(args[0], args.data());
    const int e = errno;
    [[maybe_unused]] const auto n = ::write(exec_status.write, &e, sizeof e);
    ::_exit(127);
  }
  if (devnull >= 0) ::close(devnull);
  exec_status.close_write();
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_status.read, &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof child_errno) {
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error(fmt::format("cannot run {}: {}", argv[0], std::strerror(child_errno)));
  }
  return pid;
}

process_outcome run_measured(const std::vector<std::string>& argv, std::chrono::nanoseconds limit) {
  pipe_pair out, err;
  const auto started = clock::now();
  const auto give_up = started + limit;
  const pid_t pid = spawn_process(argv, out.write, err.write);
  out.close_write();
  err.close_write();
  // A pidfd turns "the child exited" into a poll event, so that wall time ends when it does.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));

  process_outcome result;
  bool exited = false;
  int status = 0;
  rusage ru{};
  while (!exited) {
    if (interrupted()) {
      result.kind = exit_kind::interrupted;
      ::kill(pid, SIGKILL);
      break;
    }
    const auto now = clock::now();
    if (now >= give_up) {
      result.kind = exit_kind::timed_out;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {pidfd, POLLIN, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - now).count();
    // Without a pidfd (old kernels) we look for the exit every 2 ms instead.
    const int wait_ms = static_cast<int>(std::clamp<long long>(left + 1, 1, pidfd >= 0 ? 1000 : 2));
    const int ready = ::poll(fds, 3, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    if (out.read >= 0 && (fds[0].revents & (POLLIN | POLLHUP)) &&
        !drain_into(out.read, result.out, max_stdout, false)) {
      out.close_read();
    }
    if (err.read >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) &&
        !drain_into(err.read, result.err_tail, max_stderr_tail, true)) {
      err.close_read();
    }
    if (pidfd >= 0 ? (fds[2].revents & POLLIN) != 0 : ::wait4(pid, &status, WNOHANG, &ru) == pid) {
      exited = true;
      if (pidfd >= 0) ::wait4(pid, &status, 0, &ru);
    }
  }
  if (!exited) ::wait4(pid, &status, 0, &ru);
  const auto ended = clock::now();
  if (pidfd >= 0) ::close(pidfd);

  // Whatever the child wrote just before it exited is still in the pipes.
  const auto drain_deadline = ended + std::chrono::milliseconds(200);
  while ((out.read >= 0 || err.read >= 0) && clock::now() < drain_deadline) {
    pollfd fds[2] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}};
    if (::poll(fds, 2, 50) <= 0) break;
    if (out.read >= 0 && fds[0].revents && !drain_into(out.read, result.out, max_stdout, false)) {
      out.close_read();
    }
    if (err.read >= 0 && fds[1].revents &&
        !drain_into(err.read, result.err_tail, max_stderr_tail, true)) {
      err.close_read();
    }
  }

  result.usage = usage_from(ru, started, ended);
  if (result.kind == exit_kind::exited) {
    if (WIFSIGNALED(status)) {
      result.kind = exit_kind::signalled;
      result.code = WTERMSIG(status);
    } else {
      result.code = WEXITSTATUS(status);
    }
  }
  return result;
}

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: poll() must return so that we notice
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() {
  return interrupt_flag != 0;
}

std::string signal_name(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  return abbrev != nullptr ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", signal);
}

}  // namespace fleetcheck::bench
