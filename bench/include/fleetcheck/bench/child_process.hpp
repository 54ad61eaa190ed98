#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace fleetcheck::bench {

/// What the kernel says one child process cost, from wait4's rusage and our own clock.
struct process_usage {
  double wall_seconds = 0;  ///< from just before fork to the moment wait4 reaped the child
  double user_seconds = 0;
  double sys_seconds = 0;
  long max_rss_kib = 0;
  long voluntary_switches = 0;
  long involuntary_switches = 0;

  double cpu_seconds() const { return user_seconds + sys_seconds; }
};

/// How a measured child ended.
enum class exit_kind {
  exited,       ///< it exited by itself; `code` is its exit status
  signalled,    ///< a signal killed it (a crash); `code` is the signal
  timed_out,    ///< it overran the limit and we killed it
  interrupted,  ///< we were interrupted (SIGINT/SIGTERM) and killed it
};

struct process_outcome {
  exit_kind kind = exit_kind::exited;
  int code = 0;
  process_usage usage;
  std::string out;       ///< its standard output, up to 1 MiB
  std::string err_tail;  ///< the last 4 KiB of its standard error
};

/// Starts `argv` (argv[0] is a path, not looked up in PATH) with stdin from /dev/null and the given
/// descriptors as stdout and stderr. The child gets SIGKILL should we die first, so that no
/// benchmark process outlives the harness. Throws std::runtime_error when the program cannot be
/// started (not found, not executable), with the reason.
pid_t spawn_process(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd);

/// Runs `argv` to completion or until `limit` passes (then kills it), capturing its output, and
/// measures it from outside with wait4. Interrupted by SIGINT/SIGTERM (see
/// install_interrupt_handler), it kills the child and says so. Throws like spawn_process.
process_outcome run_measured(const std::vector<std::string>& argv, std::chrono::nanoseconds limit);

/// Makes SIGINT and SIGTERM set a flag instead of killing us, so that the harness can stop its
/// children and still write what it measured.
void install_interrupt_handler();
/// Whether SIGINT or SIGTERM has arrived since install_interrupt_handler.
bool interrupted();

/// "SIGSEGV" for 11: for messages.
std::string signal_name(int signal);

}  // namespace fleetcheck::bench
