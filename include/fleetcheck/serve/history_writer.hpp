#pragma once
// Writes results and transitions to a history_store in batches, on its own thread, so that the
// event loops that produce them never wait for the disk.

#include <chrono>
#include <cstddef>
#include <memory>

#include "fleetcheck/health/health_state.hpp"
#include "fleetcheck/serve/history_store.hpp"

namespace fleetcheck::serve {

struct history_writer_options {
  /// A batch is written at least this often, so a `kill -9` loses at most about this much.
  std::chrono::milliseconds flush_every{250};
  /// Records queued at most; past it new records are dropped and counted (the disk cannot keep
  /// up, and memory must stay bounded).
  std::size_t max_queued = 1'000'000;
};

class history_writer {
 public:
  /// `store` outlives the writer.
  explicit history_writer(history_store& store, history_writer_options options = {});
  /// Writes what is still queued, then stops the thread.
  ~history_writer();
  history_writer(const history_writer&) = delete;
  history_writer& operator=(const history_writer&) = delete;

  /// Queue for writing. Thread-safe; never blocks on the disk.
  void add(result_record result);
  void add(health::transition transition);

  /// Blocks until everything added before the call is stored (or failed to store).
  void flush();

  struct counters {
    std::size_t results_written = 0;
    std::size_t transitions_written = 0;
    std::size_t dropped = 0;         ///< records not queued because the queue was full
    std::size_t failed_batches = 0;  ///< batches the store refused (the error is logged)
  };
  counters stats() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace fleetcheck::serve
