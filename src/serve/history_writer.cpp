#include "fleetcheck/serve/history_writer.hpp"

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace fleetcheck::serve {
namespace {

// A burst larger than this is written at once rather than at the next tick: transactions stay a
// bounded size, and so does the time a flush() waits behind one.
constexpr std::size_t write_early_at = 20'000;

}  // namespace

struct history_writer::state {
  history_store& store;
  history_writer_options options;

  mutable std::mutex mutex;
  std::condition_variable wake;     ///< to the thread: a flush, a burst, or stop
  std::condition_variable written;  ///< to flush(): a batch is done
  std::vector<result_record> results;
  std::vector<health::transition> transitions;
  /// Records accepted and records done (stored or failed), counted since the start: flush()
  /// waits for `done` to reach the `accepted` it saw.
  std::uint64_t accepted = 0;
  std::uint64_t done = 0;
  bool flush_requested = false;
  bool stopping = false;
  counters stats;
  std::thread thread;

  state(history_store& s, history_writer_options o) : store(s), options(o) {}

  std::size_t queued() const { return results.size() + transitions.size(); }

  /// Accepts one record, or drops it when the queue is full. Called with the mutex held.
  template <class Record>
  void push(std::vector<Record>& queue, Record&& record) {
    if (queued() >= options.max_queued) {
      ++stats.dropped;
      return;
    }
    queue.push_back(std::move(record));
    ++accepted;
    if (queued() == write_early_at) wake.notify_one();
  }

  void run() {
    std::unique_lock lock(mutex);
    auto next_write = std::chrono::steady_clock::now() + options.flush_every;
    for (;;) {
      wake.wait_until(lock, next_write,
                      [&] { return stopping || flush_requested || queued() >= write_early_at; });
      next_write = std::chrono::steady_clock::now() + options.flush_every;
      flush_requested = false;
      if (queued() == 0) {
        if (stopping) return;
        continue;
      }
      std::vector<result_record> batch_results;
      std::vector<health::transition> batch_transitions;
      batch_results.swap(results);
      batch_transitions.swap(transitions);
      const std::uint64_t upto = accepted;

      // The disk is touched without the lock: add() never waits for it.
      lock.unlock();
      const bool ok = write(batch_results, batch_transitions);
      lock.lock();

      if (ok) {
        stats.results_written += batch_results.size();
        stats.transitions_written += batch_transitions.size();
      } else {
        ++stats.failed_batches;
      }
      done = upto;
      written.notify_all();
    }
  }

  bool write(const std::vector<result_record>& batch_results,
             const std::vector<health::transition>& batch_transitions) {
    try {
      store.append(batch_results, batch_transitions);
      if (failing) {
        fmt::print(stderr, "fleetcheck: history: writing again after {} failed batches\n",
                   failures_in_a_row);
        failing = false;
        failures_in_a_row = 0;
      }
      return true;
    } catch (const std::exception& e) {
      // Logged on the first failure and then every 100th (a full disk fails every tick), so the
      // log says what is wrong without drowning; the count is in stats().failed_batches.
      if (failures_in_a_row % 100 == 0) {
        fmt::print(stderr, "fleetcheck: history: {} (failed batches in a row: {})\n", e.what(),
                   failures_in_a_row + 1);
      }
      failing = true;
      ++failures_in_a_row;
      return false;
    }
  }

  // Touched only by the writer thread.
  bool failing = false;
  std::size_t failures_in_a_row = 0;
};

history_writer::history_writer(history_store& store, history_writer_options options)
    : state_(std::make_unique<state>(store, options)) {
  state_->thread = std::thread([s = state_.get()] { s->run(); });
}

history_writer::~history_writer() {
  {
    const std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_one();
  state_->thread.join();
}

void history_writer::add(result_record result) {
  const std::lock_guard lock(state_->mutex);
  state_->push(state_->results, std::move(result));
}

void history_writer::add(health::transition transition) {
  const std::lock_guard lock(state_->mutex);
  state_->push(state_->transitions, std::move(transition));
}

void history_writer::flush() {
  std::unique_lock lock(state_->mutex);
  const std::uint64_t target = state_->accepted;
  if (state_->done >= target) return;
  state_->flush_requested = true;
  state_->wake.notify_one();
  state_->written.wait(lock, [&] { return state_->done >= target; });
}

history_writer::counters history_writer::stats() const {
  const std::lock_guard lock(state_->mutex);
  return state_->stats;
}

}  // namespace fleetcheck::serve
