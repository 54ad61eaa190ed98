// fleetcheck-history-bench: how fast serve's history writer stores results, and how large the
// SQLite file grows. Adds N results (of T targets, realistic fields: 1 in 10 failed with an error
// and a failed condition, 1 in 2 over TLS) through a history_writer into a fresh store, waits for
// the last commit, and prints results/s, CPU and bytes per result; then times a prune of half.
//
// Usage: fleetcheck-history-bench [N=1000000] [TARGETS=10000] [DATA_DIR=a temporary directory]

#include <stdlib.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "fleetcheck/serve/history_writer.hpp"

using namespace fleetcheck;
using steady = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto s = [](timeval t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

double seconds_since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

serve::result_record sample(const std::vector<std::string>& targets, std::size_t i,
                            health::wall_clock::time_point at) {
  serve::result_record r{targets[i % targets.size()], at, {}};
  auto& p = r.result;
  p.duration_seconds = 0.0123 + static_cast<double>(i % 1000) * 1e-6;
  p.phases = {0.0004, 0.0011, 0.0042, 0.0061, 0.0005};
  p.attempts = 1;
  p.http_status = 200;
  if (i % 2 == 0) {
    p.cert_expires_at = 1'900'000'000;
    p.tls_resumed = true;
  }
  if (i % 10 == 0) {
    p.outcome = core::outcome::unhealthy;
    p.failure = core::failure::condition_failed;
    p.failed_phase = core::probe_phase::done;
    p.http_status = 503;
    p.error = "condition failed: [STATUS] (503) == 200";
    p.failed_conditions = {"[STATUS] (503) == 200"};
  } else {
    p.outcome = core::outcome::healthy;
    p.failure = core::failure::none;
    p.failed_phase = core::probe_phase::done;
  }
  return r;
}

std::uintmax_t size_of(const std::filesystem::path& dir) {
  std::uintmax_t total = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) total += f.file_size();
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::stoull(argv[1]) : 1'000'000;
  const std::size_t target_count = argc > 2 ? std::stoull(argv[2]) : 10'000;
  std::filesystem::path dir;
  bool temporary = false;
  if (argc > 3) {
    dir = argv[3];
  } else {
    std::string pattern =
        std::filesystem::temp_directory_path() / "fleetcheck-history-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return 1;
    dir = pattern;
    temporary = true;
  }
  std::vector<std::string> targets;
  for (std::size_t t = 0; t < target_count; ++t) targets.push_back("service-" + std::to_string(t));

  // One result per target every 10 s, going back from now: the shape of a day of a real fleet.
  const auto start_at = health::wall_clock::now() - std::chrono::seconds{10} * (n / target_count);
  const auto at = [&](std::size_t i) {
    return start_at + std::chrono::seconds{10} * (i / target_count) +
           std::chrono::milliseconds{i % target_count % 10'000};
  };
  {
    auto store = serve::open_sqlite_store(dir);
    const double cpu0 = cpu_seconds();
    const auto t0 = steady::now();
    {
      serve::history_writer writer(*store, {.max_queued = n});
      for (std::size_t i = 0; i < n; ++i) writer.add(sample(targets, i, at(i)));
      const double added = seconds_since(t0);
      writer.flush();
      const double stored = seconds_since(t0);
      const double cpu = cpu_seconds() - cpu0;
      const auto stats = writer.stats();
      std::printf(
          "%zu results of %zu targets: added in %.2f s, stored in %.2f s = %.0f results/s "
          "(CPU %.2f s, %.1f us per result; dropped %zu, failed batches %zu)\n",
          n, target_count, added, stored, static_cast<double>(n) / stored, cpu,
          cpu / static_cast<double>(n) * 1e6, stats.dropped, stats.failed_batches);
    }
    const auto t1 = steady::now();
    const std::size_t pruned = store->prune(at(n / 2));
    std::printf("prune of the older half: %zu rows in %.2f s\n", pruned, seconds_since(t1));
    const auto t2 = steady::now();
    const auto restored = store->restore();
    std::printf("restore: %zu targets in %.3f s\n", restored.size(), seconds_since(t2));
  }
  // Closing the store checkpointed the WAL into the database file; measure a full file.
  std::filesystem::remove_all(dir);
  {
    auto store = serve::open_sqlite_store(dir);
    serve::history_writer writer(*store, {.max_queued = n});
    for (std::size_t i = 0; i < n; ++i) writer.add(sample(targets, i, at(i)));
  }
  const auto bytes = size_of(dir);
  std::printf("file size: %.1f MB for %zu results = %.0f bytes per result (%.0f MB per 1M)\n",
              static_cast<double>(bytes) / 1e6, n,
              static_cast<double>(bytes) / static_cast<double>(n),
              static_cast<double>(bytes) / static_cast<double>(n));
  if (temporary) std::filesystem::remove_all(dir);
  return 0;
}
