#pragma once
// `fleetcheck bench ...` runs fleetcheck-bench, the benchmark harness, which is not part of the
// product binary: it is built next to `fleetcheck` with -DFLEETCHECK_BENCH=ON (or by
// scripts/bench).

#include <optional>

namespace CLI {
class App;
}

namespace fleetcheck::apps {

/// Lists `bench` in `fleetcheck --help`; the arguments are handled by launch_bench_if_asked.
void add_bench_launcher(CLI::App& app);

/// When argv[1] is `bench`, replaces this process with fleetcheck-bench from this executable's
/// directory, passing the remaining arguments (so `fleetcheck bench --help` shows the harness's own
/// help). Returns only when it could not: with exit code 2, after printing one line to stderr.
/// Returns nullopt when argv[1] is not `bench`.
std::optional<int> launch_bench_if_asked(int argc, char** argv);

}  // namespace fleetcheck::apps
