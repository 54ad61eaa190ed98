// Test helper for the kill -9 test: writes results through a history_writer as fast as a busy
// daemon would, until it is killed. Result i of the run is at `base_ms` + i milliseconds (the
// test checks that what survives is a prefix). After every 1,000 records it prints
// "added <count>" on stdout. Stops by itself after 60 s so that it cannot outlive a broken test.
//
// Usage: fleetcheck_history_child DATA_DIR BASE_MS

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>

#include "fleetcheck/serve/history_writer.hpp"

using namespace fleetcheck;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fleetcheck_history_child DATA_DIR BASE_MS\n");
    return 2;
  }
  try {
    auto store = serve::open_sqlite_store(argv[1]);
    serve::history_writer writer(*store);  // the daemon's defaults: a batch every 250 ms
    const health::wall_clock::time_point base{std::chrono::milliseconds{std::atoll(argv[2])}};
    const auto stop_at = std::chrono::steady_clock::now() + std::chrono::seconds{60};
    for (long long i = 0; std::chrono::steady_clock::now() < stop_at; ++i) {
      serve::result_record r{
          "target-" + std::to_string(i % 97), base + std::chrono::milliseconds{i}, {}};
      r.result.outcome = core::outcome::healthy;
      r.result.failure = core::failure::none;
      r.result.duration_seconds = 0.01;
      r.result.attempts = 1;
      writer.add(std::move(r));
      if ((i + 1) % 1000 == 0) {
        std::printf("added %lld\n", i + 1);
        std::fflush(stdout);
        // About 10,000 results/s: twice the 5,000/s of a large fleet, and few enough that the
        // writer commits on its ticks (not because its queue is long).
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fleetcheck_history_child: %s\n", e.what());
    return 1;
  }
  return 0;
}
