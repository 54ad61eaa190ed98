#include "fleetcheck/serve/history_writer.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using serve::result_record;

namespace {

const health::wall_clock::time_point t0{std::chrono::milliseconds{1'700'000'000'000}};

result_record record(std::string target, int n) {
  result_record r{std::move(target), t0 + std::chrono::milliseconds{n}, {}};
  r.result.attempts = n;
  return r;
}

/// A store that counts batches, can be made to fail, or to block until released.
class fake_store final : public serve::history_store {
 public:
  void append(const std::vector<result_record>& results,
              const std::vector<health::transition>& transitions) override {
    std::unique_lock lock(mutex_);
    ++entered_;
    entered_changed_.notify_all();
    released_.wait(lock, [&] { return !blocked_; });
    ++batches_;
    if (failing_) throw std::runtime_error("disk full");
    results_ += results.size();
    transitions_ += transitions.size();
  }
  std::vector<result_record> results(const std::string&, health::wall_clock::time_point,
                                     std::size_t) const override {
    return {};
  }
  std::vector<health::transition> transitions(const std::string&, health::wall_clock::time_point,
                                              std::size_t) const override {
    return {};
  }
  std::vector<serve::restored_target> restore() const override { return {}; }
  std::size_t prune(health::wall_clock::time_point) override { return 0; }
  std::size_t result_count() const override {
    const std::lock_guard lock(mutex_);
    return results_;
  }

  void fail(bool on) {
    const std::lock_guard lock(mutex_);
    failing_ = on;
  }
  void block(bool on) {
    {
      const std::lock_guard lock(mutex_);
      blocked_ = on;
    }
    released_.notify_all();
  }
  /// Waits (at most 10 s) until some append() has been entered, blocked or not.
  bool wait_for_append() {
    std::unique_lock lock(mutex_);
    return entered_changed_.wait_for(lock, std::chrono::seconds(10), [&] { return entered_ > 0; });
  }
  std::size_t batches() const {
    const std::lock_guard lock(mutex_);
    return batches_;
  }
  std::size_t transitions_stored() const {
    const std::lock_guard lock(mutex_);
    return transitions_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::condition_variable entered_changed_;
  std::size_t entered_ = 0;
  bool failing_ = false;
  bool blocked_ = false;
  std::size_t batches_ = 0;
  std::size_t results_ = 0;
  std::size_t transitions_ = 0;
};

}  // namespace

TEST(history_writer, stores_everything_added_by_many_threads_in_few_batches) {
  test_support::temp_dir dir;
  auto store = serve::open_sqlite_store(dir.path());
  constexpr int threads = 8;
  constexpr int per_thread = 2'000;
  {
    serve::history_writer writer(*store, {.flush_every = 50ms});
    std::vector<std::thread> adders;
    for (int t = 0; t < threads; ++t) {
      adders.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) {
          writer.add(record("t" + std::to_string(t), i));
          if (i % 500 == 0) {
            writer.add(health::transition{"t" + std::to_string(t), "g", health::state::unknown,
                                          health::state::healthy, t0, "r"});
          }
          if (i % 700 == 0) writer.flush();  // flushes from several threads at once
        }
      });
    }
    for (auto& a : adders) a.join();
    writer.flush();
    EXPECT_EQ(store->result_count(), std::size_t{threads * per_thread});
    const auto s = writer.stats();
    EXPECT_EQ(s.results_written, std::size_t{threads * per_thread});
    EXPECT_EQ(s.transitions_written, std::size_t{threads * 4});
    EXPECT_EQ(s.dropped, 0u);
    EXPECT_EQ(s.failed_batches, 0u);
  }
  for (int t = 0; t < threads; ++t) {
    const auto rs = store->results("t" + std::to_string(t), t0, 100'000);
    ASSERT_EQ(rs.size(), std::size_t{per_thread});
    for (int i = 0; i < per_thread; ++i) ASSERT_EQ(rs[i].result.attempts, i) << "in add order";
  }
}

TEST(history_writer, batches_records_added_between_ticks) {
  fake_store store;
  serve::history_writer writer(store, {.flush_every = 10s});  // no tick during the test
  for (int i = 0; i < 1000; ++i) writer.add(record("a", i));
  writer.flush();
  EXPECT_EQ(store.result_count(), 1000u);
  EXPECT_EQ(store.batches(), 1u) << "1,000 records, one transaction";
  writer.flush();
  EXPECT_EQ(store.batches(), 1u) << "an empty flush writes nothing";
}

TEST(history_writer, writes_on_its_own_at_every_tick) {
  fake_store store;
  serve::history_writer writer(store, {.flush_every = 20ms});
  writer.add(record("a", 1));
  // Bounded wait for the tick (the test fails if it never comes).
  for (int i = 0; i < 500 && store.result_count() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(store.result_count(), 1u);
  EXPECT_EQ(writer.stats().results_written, 1u);
}

TEST(history_writer, drains_the_queue_on_destruction) {
  fake_store store;
  {
    serve::history_writer writer(store, {.flush_every = 10s});
    for (int i = 0; i < 100; ++i) writer.add(record("a", i));
    writer.add(health::transition{"a", "", health::state::unknown, health::state::healthy, t0, ""});
  }
  EXPECT_EQ(store.result_count(), 100u);
  EXPECT_EQ(store.transitions_stored(), 1u);
}

TEST(history_writer, counts_failed_batches_and_goes_on) {
  fake_store store;
  serve::history_writer writer(store, {.flush_every = 10s});
  store.fail(true);
  writer.add(record("a", 1));
  writer.flush();  // returns although the batch failed
  EXPECT_EQ(writer.stats().failed_batches, 1u);
  EXPECT_EQ(writer.stats().results_written, 0u);
  store.fail(false);
  writer.add(record("a", 2));
  writer.flush();
  EXPECT_EQ(writer.stats().failed_batches, 1u);
  EXPECT_EQ(writer.stats().results_written, 1u);
  EXPECT_EQ(store.result_count(), 1u);
}

TEST(history_writer, drops_and_counts_records_past_the_queue_bound) {
  fake_store store;
  serve::history_writer writer(store, {.flush_every = 10s, .max_queued = 10});
  store.block(true);  // the disk stalls
  writer.add(record("a", 0));
  std::thread flusher([&] { writer.flush(); });  // takes a0 and blocks in append
  ASSERT_TRUE(store.wait_for_append());
  // a0 is in the stalled batch; of the next 30, 10 wait in the queue and the rest are dropped.
  for (int i = 1; i <= 30; ++i) writer.add(record("a", i));
  store.block(false);
  flusher.join();
  writer.flush();
  const auto s = writer.stats();
  EXPECT_EQ(s.dropped, 30u - 10u);
  EXPECT_EQ(s.results_written + s.dropped, 31u);
  EXPECT_EQ(store.result_count(), s.results_written);
}
