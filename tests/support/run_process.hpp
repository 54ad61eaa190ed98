#pragma once
// Test support: runs a program, feeds it stdin, and captures its exit code, stdout and stderr.

#include <string>
#include <vector>

namespace fleetcheck::test_support {

struct process_output {
  int exit_code = -1;  ///< -1 when killed by a signal
  std::string out;
  std::string err;
  double seconds = 0;
};

process_output run_process(const std::vector<std::string>& argv, const std::string& input = "",
                           const std::vector<std::string>& extra_env = {});

}  // namespace fleetcheck::test_support
