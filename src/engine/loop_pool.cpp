#include "fleetcheck/engine/loop_pool.hpp"

#include <chrono>
#include <csignal>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "engine/loop.hpp"

namespace fleetcheck::engine {

namespace asio = boost::asio;

struct loop_pool::state {
  std::vector<std::unique_ptr<loop>> loops;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
};

loop_pool::loop_pool(unsigned threads, const std::string& dns_servers)
    : state_(std::make_unique<state>()) {
  threads = std::max(threads, 1u);
  for (unsigned i = 0; i < threads; ++i) {
    state_->loops.push_back(std::make_unique<loop>(dns_servers));
    state_->guards.push_back(asio::make_work_guard(*state_->loops.back()->context));
  }
  for (unsigned i = 0; i < threads; ++i) {
    state_->threads.emplace_back([context = state_->loops[i]->context.get()] { context->run(); });
  }
}

loop_pool::~loop_pool() {
  state_->guards.clear();
  stop();
  state_->loops.clear();
}

unsigned loop_pool::size() const {
  return static_cast<unsigned>(state_->loops.size());
}

loop& loop_pool::at(unsigned i) {
  return *state_->loops.at(i);
}

void loop_pool::stop() {
  for (auto& l : state_->loops) l->context->stop();
  for (auto& thread : state_->threads) {
    if (thread.joinable()) thread.join();
  }
}

struct loop_pool::signal_watch::impl {
  explicit impl(asio::io_context& c) : context(c), set(c, SIGINT, SIGTERM) {}
  asio::io_context& context;
  asio::signal_set set;
  std::function<void(int, int)> on_signal;
  int count = 0;

  void arm() {
    set.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;  // cancelled: the watch is going away
      on_signal(signal, ++count);
      arm();
    });
  }
};

loop_pool::signal_watch::signal_watch(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
loop_pool::signal_watch::signal_watch(signal_watch&&) noexcept = default;

loop_pool::signal_watch::~signal_watch() {
  if (!impl_) return;
  auto& context = impl_->context;
  if (context.stopped()) {
    impl_->set.clear();
    return;
  }
  // The signal_set belongs to loop 0's thread: take it down there, and wait (briefly) for that.
  std::promise<void> done;
  auto finished = done.get_future();
  asio::post(context, [&] {
    boost::system::error_code ignored;
    impl_->set.cancel(ignored);
    impl_->set.clear(ignored);
    done.set_value();
  });
  if (finished.wait_for(std::chrono::seconds(1)) != std::future_status::ready) {
    impl_.release();  // the loop is wedged or stopping: leak rather than race with it
  }
}

loop_pool::signal_watch loop_pool::watch_signals(std::function<void(int, int)> on_signal) {
  auto watch = std::make_unique<signal_watch::impl>(*state_->loops.front()->context);
  watch->on_signal = std::move(on_signal);
  asio::post(*state_->loops.front()->context, [w = watch.get()] { w->arm(); });
  return signal_watch(std::move(watch));
}

}  // namespace fleetcheck::engine
