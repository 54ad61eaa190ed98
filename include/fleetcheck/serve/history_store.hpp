#pragma once
// Where `serve` keeps what it saw: every check's result and every state transition. A small
// interface so that the daemon does not know the storage (SQLite is the embedded default).

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::serve {

/// One check of one target, as stored.
struct result_record {
  std::string target;
  health::wall_clock::time_point at;  ///< when the check finished
  core::probe_result result;
};

/// What a restarted daemon needs to resume a target where it left off.
struct restored_target {
  std::string target;
  health::state state = health::state::unknown;
  health::wall_clock::time_point since;  ///< when it entered `state`
  std::optional<result_record> last;     ///< the latest result, if any
};

/// Storage of results and transitions. Implementations are thread-safe for one writer and any
/// number of readers; every call may block (disk), so the daemon calls them off its event loops
/// (history_writer does the writing in batches). After a successful open, a storage failure (disk
/// full, a corrupted file) throws std::runtime_error naming the database; the store stays usable.
/// Times are kept to the millisecond, durations to the microsecond.
class history_store {
 public:
  virtual ~history_store() = default;

  /// Appends a batch in one transaction: either all of it is stored or none.
  virtual void append(const std::vector<result_record>& results,
                      const std::vector<health::transition>& transitions) = 0;

  /// Results of `target` finished at or after `since`, oldest first, at most `limit`.
  virtual std::vector<result_record> results(const std::string& target,
                                             health::wall_clock::time_point since,
                                             std::size_t limit) const = 0;
  /// Transitions of `target` at or after `since`, oldest first, at most `limit`.
  virtual std::vector<health::transition> transitions(const std::string& target,
                                                      health::wall_clock::time_point since,
                                                      std::size_t limit) const = 0;

  /// The last known state and result of every target ever stored, by name. A target with no
  /// transition is `unknown` since the epoch.
  virtual std::vector<restored_target> restore() const = 0;

  /// Deletes results and transitions older than `before`, except each target's latest result and
  /// latest transition (so restore() still knows a target that has not changed for longer than
  /// the retention); returns how many rows went. Deletes in bounded chunks, one transaction each,
  /// so concurrent appends wait for one chunk at most.
  virtual std::size_t prune(health::wall_clock::time_point before) = 0;

  /// Results stored in all (for tests and the soak benchmark).
  virtual std::size_t result_count() const = 0;
};

/// The SQLite store `data_dir`/history.db (created if missing; WAL; schema migrated on open).
/// Throws core::config_error with the path when the directory or the database cannot be opened.
std::unique_ptr<history_store> open_sqlite_store(const std::filesystem::path& data_dir);

}  // namespace fleetcheck::serve
