#pragma once
// Test support: a real server (nginx, redis, ...) started by a test as a child process on a
// loopback port, and stopped with it.

#include <string>
#include <vector>

namespace fleetcheck::test_support {

/// A loopback TCP port that was free a moment ago.
unsigned short free_port();

/// Runs `argv` as a child (stdout and stderr to `log_file`) until destroyed (SIGTERM, then
/// SIGKILL after a second).
class child_server {
 public:
  child_server(const std::vector<std::string>& argv, const std::string& log_file);
  ~child_server();
  child_server(const child_server&) = delete;
  child_server& operator=(const child_server&) = delete;

  /// Whether 127.0.0.1:`port` accepted a connection within `seconds`, the child still running.
  bool wait_for_port(unsigned short port, double seconds) const;

 private:
  int pid_ = -1;
};

/// The full path of `program` on PATH (and /usr/sbin), or "" when it is not installed.
std::string find_program(const std::string& program);

}  // namespace fleetcheck::test_support
