#pragma once
// Test support: `fleetcheck serve` as a child process on a free loopback port, and a blocking
// HTTP/1.1 client for its API.

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace fleetcheck::test_support {

struct http_answer {
  int status = 0;    ///< 0 when nothing could be read
  std::string head;  ///< the status line and header fields, as received
  std::string body;
};

/// One request to 127.0.0.1:`port` (Connection: close) with `body`, bounded by `timeout`.
http_answer http_request(unsigned short port, const std::string& method, const std::string& target,
                         const std::vector<std::string>& headers = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(10),
                         const std::string& body = "");
inline http_answer http_get(unsigned short port, const std::string& target) {
  return http_request(port, "GET", target);
}

/// `fleetcheck serve <args> --listen 127.0.0.1:<port> --data-dir ''` (unless args set them), its
/// stderr in a file. The destructor sends SIGKILL if it is still running.
class serve_process {
 public:
  explicit serve_process(std::vector<std::string> args, bool add_data_dir = true);
  ~serve_process();
  serve_process(const serve_process&) = delete;
  serve_process& operator=(const serve_process&) = delete;

  unsigned short port() const { return port_; }
  /// Whether /readyz answered 200 within `seconds`.
  bool wait_ready(double seconds = 10) const;
  /// Sends `signal` to the process.
  void signal(int signal) const;
  /// Waits at most `timeout` for the exit; the exit code, or -1 if still running (or killed).
  int wait_exit(std::chrono::milliseconds timeout);
  std::string log() const;

 private:
  int pid_ = -1;
  unsigned short port_ = 0;
  std::string log_file_;
};

/// Polls `pred` every 20 ms until it holds or `timeout` passes; whether it held.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

/// Writes `text` to a file named after `name` in the test's temporary directory (with the pid, so
/// that tests running at once do not share it); returns its path.
inline std::string write_file(const std::string& name, const std::string& text) {
  const auto path = ::testing::TempDir() + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace fleetcheck::test_support
