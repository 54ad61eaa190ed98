// A stand-in for the batched writer until branch `history` brings its own (that one wins on merge).
#include "fleetcheck/serve/history_writer.hpp"

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

namespace fleetcheck::serve {

struct history_writer::state {
  history_store* store = nullptr;
  history_writer_options options;
  std::mutex mutex;
  std::condition_variable wake, written;
  std::vector<result_record> results;
  std::vector<health::transition> transitions;
  std::uint64_t added = 0, stored = 0;
  bool stopping = false;
  counters stats;
  std::thread thread;

  void run() {
    std::unique_lock lock(mutex);
    for (;;) {
      wake.wait_for(lock, options.flush_every,
                    [&] { return stopping || (added != stored && flush_asked); });
      if (added != stored) {
        auto batch_results = std::move(results);
        auto batch_transitions = std::move(transitions);
        results.clear();
        transitions.clear();
        const auto upto = added;
        lock.unlock();
        bool ok = true;
        try {
          store->append(batch_results, batch_transitions);
        } catch (const std::exception& e) {
          ok = false;
          std::cerr << "fleetcheck: history: " << e.what() << '\n';
        }
        lock.lock();
        if (ok) {
          stats.results_written += batch_results.size();
          stats.transitions_written += batch_transitions.size();
        } else {
          ++stats.failed_batches;
        }
        stored = upto;
        flush_asked = false;
        written.notify_all();
      }
      if (stopping) return;
    }
  }
  bool flush_asked = false;

  bool full() const { return results.size() + transitions.size() >= options.max_queued; }
};

history_writer::history_writer(history_store& store, history_writer_options options)
    : state_(std::make_unique<state>()) {
  state_->store = &store;
  state_->options = options;
  state_->thread = std::thread([s = state_.get()] { s->run(); });
}

history_writer::~history_writer() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->thread.join();
}

void history_writer::add(result_record result) {
  std::lock_guard lock(state_->mutex);
  if (state_->full()) {
    ++state_->stats.dropped;
    return;
  }
  state_->results.push_back(std::move(result));
  ++state_->added;
}

void history_writer::add(health::transition transition) {
  std::lock_guard lock(state_->mutex);
  if (state_->full()) {
    ++state_->stats.dropped;
    return;
  }
  state_->transitions.push_back(std::move(transition));
  ++state_->added;
}

void history_writer::flush() {
  std::unique_lock lock(state_->mutex);
  const auto upto = state_->added;
  state_->flush_asked = true;
  state_->wake.notify_all();
  state_->written.wait_for(lock, std::chrono::seconds(10), [&] { return state_->stored >= upto; });
}

history_writer::counters history_writer::stats() const {
  std::lock_guard lock(state_->mutex);
  return state_->stats;
}

}  // namespace fleetcheck::serve
