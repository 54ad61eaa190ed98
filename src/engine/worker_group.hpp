#pragma once
// Internal: worker coroutines on the loops of a pool, each with a cancellation signal, counted
// until they end. What a batch run (fleet_run) and serve's scheduler both need to stop theirs.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>

namespace fleetcheck::engine {

class worker_group {
 public:
  worker_group() : shared_(std::make_shared<shared>()) {}
  worker_group(const worker_group&) = delete;
  worker_group& operator=(const worker_group&) = delete;
  /// Leaves the workers running: cancel them first (cancel_all) to have them end.
  ~worker_group() = default;

  /// Starts `work` on `context` (a loop's io_context); `keep` (what the work refers to) lives at
  /// least as long as it, even when a stopped pool destroys the frame without running it. Call
  /// every spawn() before cancel_all(), and from one thread.
  void spawn(boost::asio::io_context& context, boost::asio::awaitable<void> work,
             std::shared_ptr<const void> keep);

  /// Emits a terminal cancellation to every worker on its own loop, one post per loop (a post per
  /// worker cost ~7 ms at 10,000 workers), and returns at once. False when a loop has stopped:
  /// nothing more runs there, and the pool tears the frames down itself.
  bool cancel_all();

  /// Waits until every worker has ended, or until `until`; true when they all have. What a
  /// worker wrote before it ended happens before this returns true.
  bool ended_by(std::chrono::steady_clock::time_point until);

  /// Workers spawned.
  std::size_t size() const { return spawned_; }

 private:
  /// Shared with every worker's completion, which may run after the group is gone.
  struct shared {
    std::mutex mutex;
    std::condition_variable ended;
    std::size_t alive = 0;
  };
  /// A loop's workers' signals: emitted on that loop, where each worker's slot is used.
  struct on_loop {
    boost::asio::io_context* context = nullptr;
    std::vector<std::unique_ptr<boost::asio::cancellation_signal>> signals;
  };
  std::shared_ptr<shared> shared_;
  // Shared with the posts of cancel_all(), which may run after the group is gone.
  std::shared_ptr<std::vector<on_loop>> loops_ = std::make_shared<std::vector<on_loop>>();
  std::size_t spawned_ = 0;
};

}  // namespace fleetcheck::engine
