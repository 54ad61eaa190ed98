#pragma once
// Test support: headless Chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: commands on fd 3, answers on fd 4, each message ending in a NUL), so
// that a test can watch one page change in place instead of dumping it once.

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace fleetcheck::test_support {

class devtools_pipe {
 public:
  /// Starts `chromium` (under `timeout_program`, 120 s) with its own profile directory.
  devtools_pipe(const std::string& timeout_program, const std::string& chromium,
                const std::string& profile);
  /// Closes the pipe and stops the browser.
  ~devtools_pipe();
  devtools_pipe(const devtools_pipe&) = delete;
  devtools_pipe& operator=(const devtools_pipe&) = delete;

  /// Opens `url` in a new tab and attaches to it; false if the browser did not answer.
  bool open(const std::string& url);
  /// The value of `expression` in the page (JSON null when it threw or nothing answered within
  /// `timeout`).
  nlohmann::json evaluate(const std::string& expression,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  nlohmann::json call(const std::string& method, nlohmann::json params,
                      std::chrono::milliseconds timeout);
  int pid_ = -1, to_browser_ = -1, from_browser_ = -1, next_id_ = 0;
  std::string session_, buffered_;
};

}  // namespace fleetcheck::test_support
