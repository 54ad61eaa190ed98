#include "serve/daemon.hpp"

#include <fmt/format.h>

#include "fleetcheck/alert/maintenance.hpp"
#include "fleetcheck/core/config_error.hpp"

namespace fleetcheck::serve {

daemon::daemon(fleet_loader load, daemon_options options, logger& log)
    : load_(std::move(load)), options_(options), log_(log), pool_(options.threads) {
  if (options_.store != nullptr) history_ = std::make_unique<history_writer>(*options_.store);
  auto loaded = load_();
  auto windows =
      std::make_shared<const std::vector<alert::maintenance_window>>(loaded.alerting.maintenance);
  replace_notifier(make_notifier(std::move(loaded.alerting)), std::move(windows));
  auto first = build(std::move(loaded));  // its fleet_state writes to history_
  if (options_.store != nullptr) {
    const auto stored = options_.store->restore();
    first->fleet->restore(stored);
    log_.info("state restored", {{"targets", std::to_string(stored.size())}});
  }
  scheduler_options schedule;
  schedule.concurrency = first->concurrency;
  first->checks =
      std::make_unique<scheduler>(pool_, *first->tls, *first->fleet, metrics_, std::move(schedule));
  current_ = std::move(first);
  if (options_.store != nullptr) pruner_ = std::thread([this] { prune_loop(); });
}

daemon::~daemon() {
  stop();
}

std::shared_ptr<generation> daemon::build(loaded_fleet loaded) {
  std::erase_if(loaded.targets,
                [&](const core::target& t) { return !options_.shard.owns(t.name); });
  for (const auto& notice : loaded.notices) log_.warn(notice);
  auto g = std::make_shared<generation>();
  g->tls = std::make_unique<probe::tls_contexts>(loaded.targets);  // may throw config_error
  g->concurrency = loaded.concurrency;
  g->fleet = std::make_unique<fleet_state>(std::move(loaded.targets), metrics_, history_.get(),
                                           [this](const health::transition& t) { notify(t); });
  return g;
}

std::shared_ptr<const generation> daemon::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

bool daemon::ready() const {
  std::lock_guard lock(mutex_);
  return current_ != nullptr && current_->checks != nullptr;
}

std::string daemon::reload() {
  std::lock_guard one_at_a_time(reload_mutex_);
  std::shared_ptr<generation> next;
  std::shared_ptr<alert::notifier> alerts;
  std::shared_ptr<const std::vector<alert::maintenance_window>> windows;
  try {
    auto loaded = load_();
    windows =
        std::make_shared<const std::vector<alert::maintenance_window>>(loaded.alerting.maintenance);
    alerts = make_notifier(std::move(loaded.alerting));  // a bad channel rejects the reload too
    next = build(std::move(loaded));
  } catch (const core::config_error& e) {
    metrics_.failed_reloads.fetch_add(1, std::memory_order_relaxed);
    log_.error("reload rejected; the previous configuration keeps running", {{"error", e.what()}});
    return e.what();
  }
  std::shared_ptr<generation> previous;
  {
    std::lock_guard lock(mutex_);
    previous = current_;
  }
  if (previous == nullptr || previous->checks == nullptr) return "stopping";
  // Stop the old checks before taking their state over, so that no result lands in the old
  // state after the copy; the API keeps answering from the old generation meanwhile.
  // Their kept connections go on with the targets that did not change (reuse_connection).
  scheduler_options schedule;
  schedule.concurrency = next->concurrency;
  schedule.inherited = previous->checks->stop_keeping_connections();
  next->fleet->carry_over(*previous->fleet);
  next->checks =
      std::make_unique<scheduler>(pool_, *next->tls, *next->fleet, metrics_, std::move(schedule));
  {
    std::lock_guard lock(mutex_);
    current_ = next;
  }
  // After the new checks start: transitions between the two go to the old notifier, which
  // sends them as it stops. The silences are shared, so the API's survive.
  replace_notifier(std::move(alerts), std::move(windows));
  metrics_.reloads.fetch_add(1, std::memory_order_relaxed);
  log_.info("configuration reloaded", {{"targets", std::to_string(next->fleet->targets().size())}});
  return {};
}

std::shared_ptr<const group_check> daemon::check_now(const std::string& group,
                                                     core::duration deadline,
                                                     core::duration max_age) {
  using clock = std::chrono::steady_clock;
  std::promise<std::shared_ptr<const group_check>> promise;
  {
    std::unique_lock lock(checks_mutex_);
    if (max_age > core::duration::zero()) {
      const auto it = recent_.find(group);
      if (it != recent_.end() && clock::now() - it->second.first <= max_age) {
        metrics_.api_checks_shared.fetch_add(1, std::memory_order_relaxed);
        return it->second.second;
      }
    }
    if (const auto it = running_.find(group); it != running_.end()) {
      auto shared = it->second;
      lock.unlock();
      metrics_.api_checks_shared.fetch_add(1, std::memory_order_relaxed);
      return shared.get();
    }
    running_.emplace(group, promise.get_future().share());
  }
  metrics_.api_checks.fetch_add(1, std::memory_order_relaxed);
  std::shared_ptr<group_check> done;
  try {
    const auto g = current();
    auto check = std::make_shared<group_check>();
    for (const auto& t : g->fleet->targets()) {
      if (group.empty() || t.group == group) check->targets.push_back(t);
    }
    if (!check->targets.empty()) {
      engine::run_options run;
      run.deadline = deadline;
      run.concurrency = g->concurrency;
      run.start = clock::now();
      engine::fleet_run fleet(pool_, check->targets, *g->tls, std::move(run));
      check->report = fleet.wait();
      done = std::move(check);
    }
  } catch (...) {
    std::lock_guard lock(checks_mutex_);
    running_.erase(group);
    promise.set_exception(std::current_exception());
    throw;
  }
  std::lock_guard lock(checks_mutex_);
  running_.erase(group);
  if (done) recent_[group] = {clock::now(), done};
  promise.set_value(done);
  return done;
}

std::shared_ptr<alert::notifier> daemon::make_notifier(alert::alerting_config config) const {
  alert::notifier_options o;
  o.generator_url = options_.generator_url;
  o.stop_grace = options_.alert_stop_grace;
  o.silences = silences_;
  o.log = [&log = log_](std::string_view line) { log.warn(std::string(line)); };
  return std::make_shared<alert::notifier>(std::move(config), std::move(o));
}

void daemon::replace_notifier(
    std::shared_ptr<alert::notifier> next,
    std::shared_ptr<const std::vector<alert::maintenance_window>> windows) {
  std::shared_ptr<alert::notifier> previous;
  {
    std::lock_guard lock(alert_mutex_);
    if (alerts_stopped_) {
      previous = std::move(next);  // stopping: the new one is stopped below, unused
    } else {
      previous = std::exchange(notifier_, std::move(next));
      maintenance_ = std::move(windows);
    }
  }
  if (previous == nullptr) return;
  previous->stop();  // bounded by alert_stop_grace; off the loops (a reload's or stop's thread)
  const auto s = previous->stats();
  std::lock_guard lock(alert_mutex_);
  retired_stats_ += s;
}

void daemon::notify(const health::transition& t) {
  // O(1): the notifier only queues. Under the lock, so that a reload never stops the notifier
  // while a loop is handing it a transition.
  std::lock_guard lock(alert_mutex_);
  if (notifier_) notifier_->on_transition(t);
}

alert::notifier::counters daemon::alert_stats() const {
  std::shared_ptr<alert::notifier> live;
  alert::notifier::counters total;
  {
    std::lock_guard lock(alert_mutex_);
    live = notifier_;
    total = retired_stats_;
  }
  if (live) total += live->stats();
  return total;
}

alert_hold daemon::held(const core::target& t) const {
  const auto now = health::wall_clock::now();
  alert_hold hold;
  hold.silenced_by = silences_->silenced_by(t.name, t.group, now).value_or("");
  std::shared_ptr<const std::vector<alert::maintenance_window>> windows;
  {
    std::lock_guard lock(alert_mutex_);
    windows = maintenance_;
  }
  if (windows) hold.maintenance = alert::in_maintenance(*windows, t.name, t.group, now);
  return hold;
}

void daemon::prune_loop() {
  // Hourly, and once at start: deleting a day's rows is a few seconds of disk at most, off the
  // loops and off the API's thread.
  std::unique_lock lock(prune_mutex_);
  do {
    lock.unlock();
    try {
      const auto gone = options_.store->prune(health::wall_clock::now() - options_.retention);
      if (gone > 0) log_.info("history pruned", {{"rows", std::to_string(gone)}});
    } catch (const std::exception& e) {
      log_.error("history prune failed", {{"error", e.what()}});
    }
    lock.lock();
  } while (!prune_wake_.wait_for(lock, std::chrono::hours(1), [&] { return stopping_; }));
}

void daemon::stop() {
  {
    std::lock_guard lock(prune_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  prune_wake_.notify_all();
  if (pruner_.joinable()) pruner_.join();
  std::shared_ptr<generation> last;
  {
    std::lock_guard lock(mutex_);
    last = current_;
  }
  if (last && last->checks) last->checks->stop(std::chrono::milliseconds(1000));
  // After the checks: their last transitions are sent within alert_stop_grace.
  std::shared_ptr<alert::notifier> alerts;
  {
    std::lock_guard lock(alert_mutex_);
    alerts_stopped_ = true;
    alerts = std::move(notifier_);
  }
  if (alerts) alerts->stop();
  if (history_) history_->flush();
}

}  // namespace fleetcheck::serve
