#pragma once
// Internal: the daemon's structured log on stderr: one JSON object per line, or `key=value` text.
// Callers pass values that are already redacted (results and URLs are; messages are ours).

#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace fleetcheck::serve {

enum class log_format { json, text };

class logger {
 public:
  logger(std::ostream& out, log_format format) : out_(out), format_(format) {}
  using fields = std::initializer_list<std::pair<std::string_view, std::string>>;
  /// One line: time, level ("info", "warn", "error"), message, then the fields. Thread-safe.
  void log(std::string_view level, std::string_view message, fields extra = {});
  void info(std::string_view message, fields extra = {}) { log("info", message, extra); }
  void warn(std::string_view message, fields extra = {}) { log("warn", message, extra); }
  void error(std::string_view message, fields extra = {}) { log("error", message, extra); }

 private:
  std::mutex mutex_;
  std::ostream& out_;
  log_format format_;
};

}  // namespace fleetcheck::serve
