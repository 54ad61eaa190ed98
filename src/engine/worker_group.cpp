#include "engine/worker_group.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

namespace fleetcheck::engine {

namespace asio = boost::asio;

void worker_group::spawn(asio::io_context& context, asio::awaitable<void> work,
                         std::shared_ptr<const void> keep) {
  auto& loops = *loops_;
  if (loops.empty() || loops.back().context != &context) {
    loops.push_back(on_loop{&context, {}});
  }
  auto& signal = *loops.back().signals.emplace_back(std::make_unique<asio::cancellation_signal>());
  {
    std::lock_guard lock(shared_->mutex);
    ++shared_->alive;
  }
  ++spawned_;
  asio::co_spawn(
      context, std::move(work),
      asio::bind_cancellation_slot(
          signal.slot(), [group = shared_, keep = std::move(keep)](const std::exception_ptr&) {
            std::lock_guard lock(group->mutex);
            --group->alive;
            group->ended.notify_all();
          }));
}

bool worker_group::cancel_all() {
  bool running = true;
  for (auto& mine : *loops_) {
    running = running && !mine.context->stopped();
    asio::post(*mine.context, [keep = loops_, signals = &mine.signals] {
      for (auto& signal : *signals) signal->emit(asio::cancellation_type::terminal);
    });
  }
  return running;
}

bool worker_group::ended_by(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(shared_->mutex);
  return shared_->ended.wait_until(lock, until, [&] { return shared_->alive == 0; });
}

}  // namespace fleetcheck::engine
