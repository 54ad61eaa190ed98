#include "bench_launcher.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace fleetcheck::apps {
namespace {

constexpr int bad_input = 2;  // as for any other command line fleetcheck cannot act on

}  // namespace

void add_bench_launcher(CLI::App& app) {
  app.add_subcommand("bench",
                     "Benchmark against a mock fleet: runs fleetcheck-bench (see 'fleetcheck "
                     "bench --help')")
      ->allow_extras();
}

std::optional<int> launch_bench_if_asked(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) != "bench") return std::nullopt;
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = std::filesystem::absolute(argv[0], ec);
  const auto harness = self.parent_path() / "fleetcheck-bench";
  if (::access(harness.c_str(), X_OK) != 0) {
    std::cerr << "fleetcheck: bench: fleetcheck-bench is not installed next to " << self.string()
              << " (build with -DFLEETCHECK_BENCH=ON or run scripts/bench)\n";
    return bad_input;
  }
  std::vector<std::string> args{harness.string()};
  for (int i = 2; i < argc; ++i) args.emplace_back(argv[i]);
  std::vector<char*> exec_argv;
  for (auto& a : args) exec_argv.push_back(a.data());
  exec_argv.push_back(nullptr);
  ::execv(harness.c_str(), exec_argv.data());
  std::cerr << "fleetcheck: bench: cannot run " << harness.string() << ": " << std::strerror(errno)
            << '\n';
  return bad_input;
}

}  // namespace fleetcheck::apps
