#include "fleetcheck/engine/fleet_run.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include "engine/check_on_loop.hpp"
#include "engine/loop.hpp"
#include "engine/worker_group.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::engine {

namespace asio = net::asio;
using net::clock;

namespace {

/// One target's place in the run, shared by the worker that checks it and the waiting thread.
struct check_slot {
  std::atomic<core::probe_phase> phase{core::probe_phase::queued};
  std::atomic<bool> done{false};
  std::atomic<clock::rep> started{0};
  core::probe_result result;  // written by the worker before `done` is set, read only after
};

/// Descriptors we can use for sockets: the soft limit less a margin for everything else.
std::size_t socket_budget() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return limit.rlim_cur > 128 ? static_cast<std::size_t>(limit.rlim_cur) - 64 : 64;
}

}  // namespace

unsigned automatic_threads(std::size_t targets) {
  // One loop is the cheapest for a few hundred checks. Past that the connect() syscalls, which on
  // loopback also pay for the server's side of the handshake, dominate and are issued serially by
  // one loop before any completion is handled: spreading them over the cores shortens the run
  // (measured: 1,000 checks 0.31 s -> 0.29 s, 10,000: 1.1 s -> 0.95 s on 2 cores).
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return targets < 500 ? 1u : cores;
}

struct fleet_run::state {
  std::span<const core::target> targets;
  run_options options;
  probe::tls_contexts* tls = nullptr;
  clock::time_point deadline;
  std::unique_ptr<check_slot[]> slots;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> finished{0};
  std::atomic<std::size_t> failed{0};

  std::mutex mutex;  // guards the flags below and serializes on_result
  std::condition_variable changed;
  bool cancelled = false;
  bool reported = false;  // wait() has returned: results are no longer handed out

  /// Every check is done or the run was cancelled (the deadline is the waiters' own bound). Called
  /// with `mutex` held.
  bool over() const {
    return cancelled || finished.load(std::memory_order_acquire) == targets.size();
  }

  worker_group workers;

  asio::awaitable<void> worker(loop& l) {
    co_await asio::this_coro::throw_if_cancelled(false);
    for (;;) {
      const auto cancellation = co_await asio::this_coro::cancellation_state;
      if (cancellation.cancelled() != asio::cancellation_type::none) co_return;
      const auto index = next.fetch_add(1, std::memory_order_relaxed);
      if (index >= targets.size()) co_return;
      const auto now = clock::now();
      if (now >= deadline) co_return;  // the waiting thread reports the rest as `deadline`
      auto& slot = slots[index];
      const auto& target = targets[index];
      slot.started.store(now.time_since_epoch().count(), std::memory_order_relaxed);
      const auto bound = core::deadline::earliest(
          core::deadline{now + target.settings.timeout, core::deadline_reason::timeout},
          core::deadline{deadline, core::deadline_reason::run});
      slot.result = co_await check_on_loop(l, *tls, target, bound, slot.phase);
      if (slot.result.outcome != core::outcome::healthy)
        failed.fetch_add(1, std::memory_order_relaxed);
      slot.done.store(true, std::memory_order_release);
      if (options.on_result) {
        std::lock_guard lock(mutex);
        if (!reported) options.on_result(index, slot.result);
      }
      if (finished.fetch_add(1, std::memory_order_acq_rel) + 1 == targets.size()) {
        std::lock_guard lock(mutex);
        changed.notify_all();
      }
    }
  }

  core::probe_result cut_short(std::size_t index, clock::time_point now, bool interrupted) const {
    const auto& slot = slots[index];
    core::probe_result r;
    r.outcome = core::outcome::deadline;
    const auto phase = slot.phase.load(std::memory_order_relaxed);
    r.failed_phase = phase;
    const std::string_view why = interrupted ? "interrupted" : "deadline reached";
    if (phase == core::probe_phase::queued) {
      r.failure = core::failure::not_started;
      r.error = fmt::format("{} before the check could start", why);
      return r;
    }
    r.failure = interrupted ? core::failure::interrupted : core::failure::deadline;
    const auto started =
        clock::time_point(clock::duration(slot.started.load(std::memory_order_relaxed)));
    r.duration_seconds = net::seconds_between(started, now);
    r.attempts = 1;
    r.error = fmt::format("{} while {}", why, core::to_string(phase));
    return r;
  }
};

fleet_run::fleet_run(loop_pool& pool, std::span<const core::target> targets,
                     probe::tls_contexts& tls, run_options options)
    : state_(std::make_shared<state>()), pool_(pool) {
  auto& s = *state_;
  s.targets = targets;
  s.options = std::move(options);
  s.tls = &tls;
  s.deadline = s.options.start + s.options.deadline;
  s.slots = std::make_unique<check_slot[]>(targets.size());
  if (targets.empty()) return;

  const unsigned loops = static_cast<unsigned>(std::min<std::size_t>(pool.size(), targets.size()));
  const std::size_t concurrency =
      std::max<std::size_t>(1, std::min({s.options.concurrency, targets.size(), socket_budget()}));
  for (unsigned i = 0; i < loops; ++i) {
    auto& l = pool.at(i);
    const std::size_t workers = concurrency / loops + (i < concurrency % loops);
    // The state is shared with every worker, so that it outlives them whatever happens.
    for (std::size_t w = 0; w < workers; ++w) s.workers.spawn(*l.context, s.worker(l), state_);
  }
}

fleet_run::~fleet_run() {
  auto& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    s.reported = true;
  }
  if (!s.workers.cancel_all()) return;  // nothing will run: the pool tears the frames down
  s.workers.ended_by(clock::now() + std::chrono::seconds(5));
}

run_report fleet_run::wait() {
  auto& s = *state_;
  const auto total = s.targets.size();
  run_report report;
  // Allocated (and its pages touched) now, while the checks run and this thread would only wait:
  // at the deadline, faulting in 10,000 results' worth of fresh memory cost ~3 ms.
  report.results.resize(total);
  {
    std::unique_lock lock(s.mutex);
    s.changed.wait_until(lock, s.deadline, [&] { return s.over(); });
    report.summary.interrupted = s.cancelled;
    s.reported = true;
  }
  const auto now = clock::now();
  report.summary.threads = static_cast<unsigned>(std::min<std::size_t>(pool_.size(), total));
  report.summary.concurrency = s.workers.size();
  report.summary.started_at = std::chrono::system_clock::now() - (now - s.options.start);
  for (std::size_t i = 0; i < total; ++i) {
    if (s.slots[i].done.load(std::memory_order_acquire)) {
      report.results[i] = std::move(s.slots[i].result);
    } else {
      report.results[i] = s.cut_short(i, now, report.summary.interrupted);
    }
    // A check whose own deadline was the global one may have ended itself just in time.
    report.summary.deadline_exceeded |= report.results[i].outcome == core::outcome::deadline;
  }
  report.summary.elapsed_seconds = net::seconds_between(s.options.start, now);
  return report;
}

bool fleet_run::wait_until(std::chrono::steady_clock::time_point until) {
  auto& s = *state_;
  std::unique_lock lock(s.mutex);
  return s.changed.wait_until(lock, std::min(until, s.deadline), [&] { return s.over(); }) ||
         clock::now() >= s.deadline;
}

fleet_run::progress_counts fleet_run::progress() const {
  return {state_->finished.load(std::memory_order_relaxed),
          state_->failed.load(std::memory_order_relaxed), state_->targets.size()};
}

void fleet_run::cancel() {
  std::lock_guard lock(state_->mutex);
  state_->cancelled = true;
  state_->changed.notify_all();
}

run_report run_fleet(std::span<const core::target> targets, const run_options& options,
                     unsigned threads) {
  probe::tls_contexts tls(targets);
  loop_pool pool(threads != 0 ? threads : automatic_threads(targets.size()), options.dns_servers);
  fleet_run run(pool, targets, tls, options);
  return run.wait();
}

}  // namespace fleetcheck::engine
