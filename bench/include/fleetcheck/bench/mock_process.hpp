#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::bench {

/// The harness cannot run at all (no mock fleet, no output directory...): main prints the message
/// and exits with 3.
class harness_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct mock_settings {
  std::filesystem::path program;  ///< fleetcheck-mock
  std::uint16_t base_port = 0;    ///< 0 = find a free range of `services` consecutive ports
  std::size_t services = 100;
  core::duration delay = std::chrono::milliseconds(200);
  std::filesystem::path log_file;  ///< the mock's standard error goes here
  std::chrono::nanoseconds ready_timeout = std::chrono::seconds(10);
};

/// `fleetcheck-mock` as a child process on 127.0.0.1, from "ready" to stopped.
class mock_process {
 public:
  /// Starts the mock and waits for its ready line. Throws harness_error saying why it did not come
  /// up: the port range is in use (a chosen base port; a free range is retried a few times), the
  /// program is missing, it exited, or it said nothing within `ready_timeout`.
  explicit mock_process(mock_settings settings);
  /// Stops the mock (SIGTERM, then SIGKILL after 5 s).
  ~mock_process();
  mock_process(const mock_process&) = delete;
  mock_process& operator=(const mock_process&) = delete;

  std::uint16_t base_port() const { return base_port_; }
  const std::string& ready_line() const { return ready_line_; }
  /// False once the mock has exited; `why` then says how.
  bool alive(std::string& why);
  /// CPU seconds the mock has used so far, from /proc; zeros when unknown.
  struct cpu_times {
    double user = 0, system = 0;
    double total() const { return user + system; }
  };
  cpu_times cpu() const;

 private:
  /// One attempt on `port`; false when the range was in use (and `port` was chosen by us).
  bool try_start(std::uint16_t port, bool chosen_by_us);
  void stop();

  mock_settings settings_;
  pid_t pid_ = -1;
  int stdout_ = -1;
  std::uint16_t base_port_ = 0;
  std::string ready_line_;
};

/// A base port such that `count` consecutive ports on 127.0.0.1 can be bound right now, below the
/// kernel's ephemeral range (so that our own client connections never take one). Throws
/// harness_error when none is found.
std::uint16_t find_free_port_range(std::size_t count);

}  // namespace fleetcheck::bench
