#pragma once
// Internal: the running `serve`: the loop pool, the current configuration's targets with their
// state and scheduler, the history, reloads, and one-shot checks of a group for the API.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fleetcheck/alert/alerting_config.hpp"
#include "fleetcheck/alert/notifier.hpp"
#include "fleetcheck/alert/silences.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "fleetcheck/engine/loop_pool.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"
#include "fleetcheck/serve/history_store.hpp"
#include "fleetcheck/serve/history_writer.hpp"
#include "fleetcheck/serve/schedule.hpp"
#include "serve/fleet_state.hpp"
#include "serve/log.hpp"
#include "serve/scheduler.hpp"

namespace fleetcheck::serve {

/// What a configuration source gives the daemon. Loading throws core::config_error.
struct loaded_fleet {
  std::vector<core::target> targets;
  std::size_t concurrency = 10000;
  std::vector<std::string> notices;
  /// `alerting:` and `maintenance:` (docs/alerts.md).
  alert::alerting_config alerting;
};
using fleet_loader = std::function<loaded_fleet()>;

/// One configuration in force: its targets' state, TLS contexts and scheduler. Replaced whole by
/// a reload; the API holds a shared_ptr to the one it answers from.
struct generation {
  std::unique_ptr<probe::tls_contexts> tls;
  std::unique_ptr<fleet_state> fleet;
  std::size_t concurrency = 10000;
  std::unique_ptr<scheduler> checks;  // declared last: stopped first
  ~generation() {
    if (checks) checks->stop();
  }
};

/// The result of checking a group (or the fleet) now.
struct group_check {
  std::vector<core::target> targets;
  engine::run_report report;
};

struct daemon_options {
  serve::shard shard;
  unsigned threads = 1;
  history_store* store = nullptr;  ///< null: no history
  std::chrono::seconds retention{7 * 24 * 3600};
  /// serve's page, for the alerts' links (Alertmanager's generatorURL); may be empty.
  std::string generator_url;
  /// How long stop() lets pending alerts go out: within serve's 2 s to exit on SIGTERM, with
  /// the checks' 1 s drain. A reload gives the notifier it replaces as long.
  std::chrono::milliseconds alert_stop_grace{700};
};

/// Whether alerts for a target are held back now, for the API and the status page.
struct alert_hold {
  std::string silenced_by;  ///< the active silence's id, "" when none
  bool maintenance = false;
};

class daemon {
 public:
  /// Loads the first configuration (throws core::config_error), restores state from the store,
  /// starts checking.
  daemon(fleet_loader load, daemon_options options, logger& log);
  /// stop().
  ~daemon();
  daemon(const daemon&) = delete;
  daemon& operator=(const daemon&) = delete;

  std::shared_ptr<const generation> current() const;

  /// Loads the configuration again. Targets whose name and URL are unchanged keep their state;
  /// on a bad configuration the old one keeps running. Returns the error, or "" on success.
  std::string reload();

  /// Checks the targets of `group` ("" = every target) now, concurrently, within `deadline`.
  /// Concurrent calls for the same group share one run; with `max_age` > 0 a run that finished
  /// at most that long ago is answered again. Blocks; null when no target is in `group`.
  std::shared_ptr<const group_check> check_now(const std::string& group, core::duration deadline,
                                               core::duration max_age);

  /// Stops checking, writes the history that is queued. Idempotent.
  void stop();

  serve_metrics& metrics() { return metrics_; }
  engine::loop_pool& pool() { return pool_; }
  history_store* store() { return options_.store; }
  /// The silences the API adds to; kept across reloads.
  alert::silences& silences() { return *silences_; }
  /// Alert counters since start, across the notifiers reloads replaced. Thread-safe.
  alert::notifier::counters alert_stats() const;
  /// Whether `t`'s alerts are silenced or under maintenance now. Thread-safe.
  alert_hold held(const core::target& t) const;
  bool ready() const;

 private:
  std::shared_ptr<generation> build(loaded_fleet fleet);
  void prune_loop();
  void notify(const health::transition& t);
  std::shared_ptr<alert::notifier> make_notifier(alert::alerting_config config) const;
  /// Puts `next` in force and stops the one it replaces (outside the lock).
  void replace_notifier(std::shared_ptr<alert::notifier> next,
                        std::shared_ptr<const std::vector<alert::maintenance_window>> windows);

  fleet_loader load_;
  daemon_options options_;
  logger& log_;
  serve_metrics metrics_;
  engine::loop_pool pool_;
  std::unique_ptr<history_writer> history_;

  std::shared_ptr<alert::silences> silences_ = std::make_shared<alert::silences>();
  mutable std::mutex alert_mutex_;  // guards the four below; held for O(1) work only
  std::shared_ptr<alert::notifier> notifier_;
  std::shared_ptr<const std::vector<alert::maintenance_window>> maintenance_;
  alert::notifier::counters retired_stats_;  // of the notifiers reloads stopped
  bool alerts_stopped_ = false;

  mutable std::mutex mutex_;  // guards current_
  std::shared_ptr<generation> current_;
  std::mutex reload_mutex_;  // one reload at a time

  std::mutex checks_mutex_;
  std::map<std::string, std::shared_future<std::shared_ptr<const group_check>>> running_;
  std::map<std::string,
           std::pair<std::chrono::steady_clock::time_point, std::shared_ptr<const group_check>>>
      recent_;

  std::mutex prune_mutex_;
  std::condition_variable prune_wake_;
  bool stopping_ = false;
  std::thread pruner_;
};

}  // namespace fleetcheck::serve
