#include "serve/log.hpp"

#include <chrono>

#include "fleetcheck/report/text.hpp"
#include "fleetcheck/report/timestamps.hpp"

namespace fleetcheck::serve {
namespace {

/// A text value, quoted when it has spaces, quotes or is empty (logfmt's rule).
std::string text_value(std::string_view value) {
  const auto safe = report::printable(value);
  if (!safe.empty() && safe.find_first_of(" \"=") == std::string::npos) return safe;
  std::string quoted = "\"";
  for (const char c : safe) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace

void logger::log(std::string_view level, std::string_view message, fields extra) {
  const auto time = report::iso8601_utc_ms(std::chrono::system_clock::now());
  std::string line;
  if (format_ == log_format::json) {
    line = "{\"time\":\"" + time + "\",\"level\":\"" + std::string(level) + "\",\"msg\":";
    report::append_json_string(line, message);
    for (const auto& [key, value] : extra) {
      line += ',';
      report::append_json_string(line, key);
      line += ':';
      report::append_json_string(line, value);
    }
    line += "}\n";
  } else {
    line = "time=" + time + " level=" + std::string(level) + " msg=" + text_value(message);
    for (const auto& [key, value] : extra) {
      line += ' ';
      line += key;
      line += '=';
      line += text_value(value);
    }
    line += '\n';
  }
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace fleetcheck::serve
