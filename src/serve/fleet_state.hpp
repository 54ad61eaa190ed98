#pragma once
// Internal: every scheduled target's health as the daemon tracks it: the state machine, the last
// result, and the history they are written to. Shared by the loops (which record results) and
// the HTTP API (which reads snapshots); one mutex, held only to copy or update a few values.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"
#include "fleetcheck/health/tracker.hpp"
#include "fleetcheck/serve/history_store.hpp"
#include "serve/serve_metrics.hpp"

namespace fleetcheck::serve {

class history_writer;

/// One target's health as last seen.
struct target_status {
  health::state state = health::state::unknown;
  health::wall_clock::time_point since{};  ///< when it entered `state`
  /// Shared with the state and other snapshots; never changed once recorded.
  std::shared_ptr<const core::probe_result> last;
  health::wall_clock::time_point last_at{};  ///< when `last` finished
  std::string degraded_by;                   ///< the breached `degraded_when` conditions, if any
  std::uint64_t checks = 0;                  ///< since this process started
};

/// Counts of targets per state.
struct state_counts {
  std::size_t total = 0, unknown = 0, healthy = 0, degraded = 0, unhealthy = 0;
  /// Counts one more target in state `s`.
  void add(health::state s);
};

/// The `q` filter of the API and the status page: a case-insensitive substring of the name.
class name_filter {
 public:
  explicit name_filter(std::string_view q);
  bool matches(std::string_view name) const;

 private:
  std::string lowered_;
};

/// What a passing result says once `degraded_when` is applied, and why ("" when not degraded).
/// Pure: `now` is the wall time the certificate's remaining life is measured from.
std::pair<health::verdict, std::string> judge_health(const core::target& t,
                                                     const core::probe_result& r,
                                                     health::wall_clock::time_point now);

class fleet_state {
 public:
  /// Told every transition, outside the lock, on the loop that recorded it: must be quick.
  using transition_sink = std::function<void(const health::transition&)>;
  /// `history` (may be null) receives every result and transition; it outlives this. So does
  /// `on_transition` (may be empty): the daemon's alert notifier.
  fleet_state(std::vector<core::target> targets, serve_metrics& metrics, history_writer* history,
              transition_sink on_transition = {});

  std::span<const core::target> targets() const { return targets_; }
  /// Each target's Prometheus labels (`target`, and `group` when it has one), built once:
  /// /metrics writes them on ~11 series per target every scrape.
  std::span<const std::string> metric_labels() const { return metric_labels_; }
  std::optional<std::size_t> find(std::string_view name) const;

  /// One finished check of target `index`. Thread-safe; called from the loops.
  void record(std::size_t index, core::probe_result result, health::wall_clock::time_point at);

  /// Resumes targets from what a previous process stored (unknown names are ignored).
  void restore(const std::vector<restored_target>& stored);
  /// Takes over the state of the targets `previous` also had, unchanged (same name and URL): a
  /// reloaded config keeps what it knew about them.
  void carry_over(const fleet_state& previous);

  target_status status(std::size_t index) const;
  std::vector<target_status> snapshot() const;
  state_counts counts() const;

 private:
  std::vector<core::target> targets_;
  std::vector<std::string> metric_labels_;
  std::unordered_map<std::string_view, std::size_t> by_name_;
  serve_metrics& metrics_;
  history_writer* history_;
  transition_sink on_transition_;
  mutable std::mutex mutex_;
  std::vector<health::tracker> trackers_;
  std::vector<target_status> status_;
};

}  // namespace fleetcheck::serve
