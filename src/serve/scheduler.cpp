#include "serve/scheduler.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <unordered_map>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "engine/check_on_loop.hpp"
#include "engine/loop.hpp"
#include "engine/worker_group.hpp"
#include "fleetcheck/serve/schedule.hpp"
#include "net/asio_aliases.hpp"
#include "probe/http/kept_connection.hpp"

namespace fleetcheck::serve {

namespace asio = net::asio;
using net::clock;

namespace {

struct due_entry {
  serve::round round;
  std::size_t target;
  bool operator>(const due_entry& other) const { return round.due > other.round.due; }
};

/// Descriptors we can use for sockets: the soft limit less a margin for the API, the history
/// database and everything else.
std::size_t socket_budget() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return limit.rlim_cur > 256 ? static_cast<std::size_t>(limit.rlim_cur) - 128 : 64;
}

/// One loop's share of the fleet. Every member is used from that loop's thread only.
struct loop_queue {
  explicit loop_queue(engine::loop& on, std::uint64_t seed)
      : l(on),
        wake(*on.context, clock::time_point::max()),
        bell(*on.context, clock::time_point::max()),
        random(seed) {}
  engine::loop& l;
  std::vector<due_entry> heap;   // a min-heap on due (std::greater)
  std::vector<due_entry> ready;  // due, waiting for a worker (FIFO via `ready_from`)
  std::size_t ready_from = 0;
  asio::steady_timer wake;  // the dispatcher sleeps on it until the earliest due
  clock::time_point wake_at = clock::time_point::max();
  // Idle workers wait on it; it never expires: cancel_one() wakes exactly one of them.
  asio::steady_timer bell;
  std::mt19937_64 random;
  // The connections kept between rounds (reuse_connection), by target / loops: a target always
  // runs on this loop, so its slot needs no lock. Allocated on a target's first check, while
  // `kept_budget` allows: each slot may hold a descriptor.
  std::vector<std::unique_ptr<probe::kept_connection>> kept;
  std::size_t kept_slots = 0;
  std::size_t kept_budget = 0;

  void push(due_entry e) {
    heap.push_back(e);
    std::push_heap(heap.begin(), heap.end(), std::greater<>{});
    if (e.round.due < wake_at) wake.cancel();  // the dispatcher sleeps too long: wake it
  }
  bool has_ready() const { return ready_from < ready.size(); }
  due_entry take_ready() {
    const auto e = ready[ready_from++];
    if (ready_from == ready.size()) {
      ready.clear();
      ready_from = 0;
    }
    return e;
  }
};

}  // namespace

/// Each entry: a target's idle connection, the loop it is bound to (a connection is used on its
/// loop's executor only) and what it was opened for. Owned by the thread doing the reload between
/// two schedulers, when no loop touches it: the old workers have all ended, the new ones have not
/// started. What no new target takes is closed when this goes, on that thread: closing an idle
/// socket needs no loop.
struct kept_connections {
  struct entry {
    asio::io_context* loop = nullptr;
    std::string url;
    core::tls_settings tls;
    std::unique_ptr<probe::kept_connection> connection;
  };
  std::unordered_map<std::string, entry> by_target;
};

struct scheduler::state {
  fleet_state* fleet = nullptr;
  probe::tls_contexts* tls = nullptr;
  serve_metrics* metrics = nullptr;
  std::vector<std::unique_ptr<loop_queue>> queues;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> in_flight{0};

  engine::worker_group workers;  // each loop's dispatcher and workers

  asio::awaitable<void> dispatcher(loop_queue& q) {
    co_await asio::this_coro::throw_if_cancelled(false);
    while (!stopping.load(std::memory_order_relaxed)) {
      const auto now = clock::now();
      while (!q.heap.empty() && q.heap.front().round.due <= now) {
        std::pop_heap(q.heap.begin(), q.heap.end(), std::greater<>{});
        q.ready.push_back(q.heap.back());
        q.heap.pop_back();
        q.bell.cancel_one();  // no idle worker: the entry waits for the next one to finish
      }
      q.wake_at = q.heap.empty() ? now + std::chrono::hours(1) : q.heap.front().round.due;
      q.wake.expires_at(q.wake_at);
      co_await q.wake.async_wait(net::use_nothrow);
    }
  }

  asio::awaitable<void> worker(loop_queue& q) {
    co_await asio::this_coro::throw_if_cancelled(false);
    std::atomic<core::probe_phase> phase{core::probe_phase::queued};
    while (!stopping.load(std::memory_order_relaxed)) {
      if (!q.has_ready()) {
        co_await q.bell.async_wait(net::use_nothrow);
        continue;
      }
      const auto e = q.take_ready();
      const auto& target = fleet->targets()[e.target];
      const auto started = clock::now();
      metrics->schedule_lag.observe(std::max(0.0, net::seconds_between(e.round.due, started)));
      in_flight.fetch_add(1, std::memory_order_relaxed);
      auto result = co_await engine::check_on_loop(
          q.l, *tls, target,
          core::deadline{started + target.settings.timeout, core::deadline_reason::timeout}, phase,
          kept_slot(q, target, e.target));
      in_flight.fetch_sub(1, std::memory_order_relaxed);
      const auto cancelled = co_await asio::this_coro::cancellation_state;
      if (stopping.load(std::memory_order_relaxed) ||
          cancelled.cancelled() != asio::cancellation_type::none) {
        co_return;  // a check cut short by shutdown or reload says nothing about the target
      }
      metrics->check_duration.observe(result.duration_seconds);
      if (result.connection_reused)
        metrics->reused_connections.fetch_add(1, std::memory_order_relaxed);
      fleet->record(e.target, std::move(result), health::wall_clock::now());
      const auto interval = interval_of(target);
      const double unit = std::uniform_real_distribution<double>(0, 1)(q.random);
      q.push(due_entry{
          next_round(e.round, clock::now(), interval, target.settings.health.jitter, unit),
          e.target});
    }
  }

  static bool reuses(const core::target& target) {
    return target.settings.http.reuse_connection && target.can_keep_connection();
  }

  /// The target's slot for a kept connection, or null when it connects afresh every round.
  probe::kept_connection* kept_slot(loop_queue& q, const core::target& target, std::size_t index) {
    if (!reuses(target)) return nullptr;
    auto& slot = q.kept[index / queues.size()];
    if (!slot) {
      // Out of descriptors to keep connections with: this target connects afresh every round,
      // rather than kept connections starving the checks of sockets.
      if (q.kept_slots == q.kept_budget) return nullptr;
      slot = std::make_unique<probe::kept_connection>();
      ++q.kept_slots;
    }
    return slot.get();
  }

  /// Puts each inherited connection whose target is unchanged and on the same loop in that
  /// target's slot, within the budget. Before any coroutine runs.
  void adopt(kept_connections& inherited) {
    const auto targets = fleet->targets();
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const auto& t = targets[i];
      const auto found = inherited.by_target.find(t.name);
      if (found == inherited.by_target.end()) continue;
      auto& e = found->second;
      auto& q = *queues[i % queues.size()];
      if (e.loop != q.l.context.get() || e.url != t.url || !(e.tls == t.settings.tls) ||
          !reuses(t) || q.kept_slots == q.kept_budget) {
        continue;
      }
      q.kept[i / queues.size()] = std::move(e.connection);
      ++q.kept_slots;
    }
  }

  /// The idle kept connections, by target name. Only once every worker has ended.
  std::shared_ptr<kept_connections> hand_over() {
    auto out = std::make_shared<kept_connections>();
    const auto targets = fleet->targets();
    for (std::size_t i = 0; i < targets.size(); ++i) {
      auto& q = *queues[i % queues.size()];
      auto& slot = q.kept[i / queues.size()];
      if (!slot || !slot->holds()) continue;
      out->by_target[targets[i].name] = kept_connections::entry{
          q.l.context.get(), targets[i].url, targets[i].settings.tls, std::move(slot)};
    }
    return out;
  }
};

scheduler::scheduler(engine::loop_pool& pool, probe::tls_contexts& tls, fleet_state& fleet,
                     serve_metrics& metrics, scheduler_options options)
    : state_(std::make_shared<state>()) {
  auto& s = *state_;
  s.fleet = &fleet;
  s.tls = &tls;
  s.metrics = &metrics;
  const auto targets = fleet.targets();
  if (targets.empty()) return;
  const unsigned loops = static_cast<unsigned>(std::min<std::size_t>(pool.size(), targets.size()));
  for (unsigned i = 0; i < loops; ++i) {
    s.queues.push_back(std::make_unique<loop_queue>(pool.at(i), options.seed + i));
  }
  // Filled before any coroutine runs: nothing else touches the heaps yet.
  for (std::size_t i = 0; i < targets.size(); ++i) {
    auto& q = *s.queues[i % loops];
    const auto due = first_due(options.start, i, targets.size(), interval_of(targets[i]));
    q.heap.push_back(due_entry{round{due, due}, i});
  }
  const std::size_t sockets = socket_budget();
  const std::size_t concurrency =
      std::max<std::size_t>(loops, std::min({options.concurrency, targets.size(), sockets}));
  // Kept connections get the descriptors that checks in flight cannot use.
  const std::size_t keepable = sockets > concurrency ? sockets - concurrency : 0;
  for (unsigned i = 0; i < loops; ++i) {
    auto& q = *s.queues[i];
    q.kept.resize(targets.size() / loops + 1);
    q.kept_budget = keepable / loops;
    std::make_heap(q.heap.begin(), q.heap.end(), std::greater<>{});
  }
  if (options.inherited) {
    s.adopt(*options.inherited);
    options.inherited.reset();  // closes what no target took
  }
  for (unsigned i = 0; i < loops; ++i) {
    auto& q = *s.queues[i];
    auto& context = *q.l.context;
    // The state is shared with every coroutine, so that it outlives them whatever happens.
    s.workers.spawn(context, s.dispatcher(q), state_);
    const std::size_t workers = concurrency / loops + (i < concurrency % loops);
    for (std::size_t w = 0; w < workers; ++w) s.workers.spawn(context, s.worker(q), state_);
  }
}

scheduler::~scheduler() {
  stop();
}

void scheduler::stop(std::chrono::milliseconds grace) {
  stop(grace, false);
}

std::shared_ptr<kept_connections> scheduler::stop_keeping_connections(
    std::chrono::milliseconds grace) {
  if (!stop(grace, true)) return nullptr;
  return state_->hand_over();
}

bool scheduler::stop(std::chrono::milliseconds grace, bool keep_connections) {
  auto& s = *state_;
  if (s.stopping.exchange(true)) return false;
  bool stopped = false;
  for (const auto& q : s.queues) {
    stopped |= q->l.context->stopped();
    asio::post(*q->l.context, [keep = state_, queue = q.get(), keep_connections] {
      queue->wake.cancel();
      queue->bell.cancel();
      if (keep_connections) return;
      // Closes the idle kept connections (a check in flight still holds its slot's address; the
      // slots themselves go with the state).
      for (const auto& slot : queue->kept) {
        if (slot) slot->close();
      }
    });
  }
  stopped |= !s.workers.cancel_all();
  if (stopped) return false;  // nothing will run: the pool tears the frames down itself
  return s.workers.ended_by(std::chrono::steady_clock::now() + grace);
}

std::size_t scheduler::in_flight() const {
  return state_->in_flight.load(std::memory_order_relaxed);
}

}  // namespace fleetcheck::serve
