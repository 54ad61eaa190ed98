#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace fleetcheck::testkit {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The source tree, from the CMakeCache.txt of the build the test binary is in (CMake records it
/// as CMAKE_HOME_DIRECTORY), else from this header's path when the compiler was given an
/// absolute one. Ninja compiles with paths relative to the build directory, so __FILE__ alone
/// would depend on the directory the test runs in (ctest's is build/tests).
inline std::filesystem::path source_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (auto dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
       !ec && !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (!fs::exists(dir / "CMakeCache.txt")) continue;
    std::istringstream cache(read_file(dir / "CMakeCache.txt"));
    const std::string key = "CMAKE_HOME_DIRECTORY:INTERNAL=";
    for (std::string line; std::getline(cache, line);) {
      if (line.rfind(key, 0) == 0) return line.substr(key.size());
    }
    break;
  }
  return fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
}

/// A file of the source tree, such as docs/report-schema.json.
inline std::filesystem::path source_file(std::string_view relative) {
  return source_dir() / relative;
}

struct command_result {
  int status = -1;     ///< the exit status, -1 when the command did not exit normally
  std::string output;  ///< stdout and stderr together
};

/// Runs `command` with /bin/sh, for the external checkers a test may use when they are installed.
inline command_result run_command(const std::string& command) {
  command_result result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    result.output.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline bool on_path(const std::string& program) {
  return run_command("command -v " + program).status == 0;
}

}  // namespace fleetcheck::testkit
