// The SQLite history store: one writer connection (append, prune) behind a mutex, and a small pool
// of read-only connections so that readers run beside the writer (WAL lets them: a reader sees
// the last commit before its query began and never waits for the writer).

#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/serve/history_store.hpp"
#include "serve/result_columns.hpp"
#include "serve/sqlite_schema.hpp"

namespace fleetcheck::serve {
namespace {

using sqlite::from_unix_ms;
using sqlite::unix_ms;

// Rows deleted per prune transaction: the writer waits at most this long for a prune step.
constexpr std::int64_t prune_chunk = 5000;
// Read connections kept open between calls; more concurrent readers open and close their own.
constexpr std::size_t max_idle_readers = 4;

std::int64_t sql_limit(std::size_t limit) {
  return limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
             ? std::numeric_limits<std::int64_t>::max()
             : static_cast<std::int64_t>(limit);
}

std::string insert_result_sql() {
  std::string params;
  for (int i = 0; i < sqlite::result_column_count; ++i) params += fmt::format(", ?{}", i + 3);
  return fmt::format("INSERT INTO results (target_id, at, {}) VALUES (?1, ?2{})",
                     sqlite::result_columns, params);
}

// "Older than `before`" spares each target's latest row: a target that has not changed state for
// longer than the retention must still come back in that state after a restart, with its last
// result. The inner query walks the `at` index from the oldest row.
constexpr const char* prune_results_sql = R"sql(
DELETE FROM results WHERE rowid IN (
  SELECT rowid FROM results AS old WHERE at < ?1 AND rowid <> (
    SELECT rowid FROM results WHERE target_id = old.target_id ORDER BY at DESC, rowid DESC LIMIT 1)
  LIMIT ?2))sql";
constexpr const char* prune_transitions_sql = R"sql(
DELETE FROM transitions WHERE rowid IN (
  SELECT rowid FROM transitions AS old WHERE at < ?1 AND rowid <> (
    SELECT rowid FROM transitions WHERE target_id = old.target_id
    ORDER BY at DESC, rowid DESC LIMIT 1)
  LIMIT ?2))sql";

/// The one connection that writes, with its statements prepared once.
struct writer_connection {
  SQLite::Database db;
  SQLite::Statement insert_target;
  SQLite::Statement select_target;
  SQLite::Statement insert_result;
  SQLite::Statement insert_transition;
  SQLite::Statement prune_results;
  SQLite::Statement prune_transitions;
  /// Target name -> id, so that a batch looks each name up once per process, not once per row.
  std::unordered_map<std::string, std::int64_t> target_ids;

  explicit writer_connection(const std::filesystem::path& file)
      : db(open(file)),
        insert_target(db, "INSERT INTO targets (name) VALUES (?1) ON CONFLICT (name) DO NOTHING"),
        select_target(db, "SELECT id FROM targets WHERE name = ?1"),
        insert_result(db, insert_result_sql()),
        insert_transition(db,
                          "INSERT INTO transitions (target_id, at, target_group, from_state, "
                          "to_state, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
        prune_results(db, prune_results_sql),
        prune_transitions(db, prune_transitions_sql) {}

  static SQLite::Database open(const std::filesystem::path& file) {
    SQLite::Database db(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    sqlite::configure_writer(db);
    sqlite::migrate(db);
    return db;
  }

  std::int64_t target_id(const std::string& name) {
    if (const auto found = target_ids.find(name); found != target_ids.end()) return found->second;
    insert_target.tryReset();
    insert_target.bind(1, name);
    insert_target.exec();
    select_target.tryReset();
    select_target.bind(1, name);
    if (!select_target.executeStep()) throw std::runtime_error("target row vanished");
    const std::int64_t id = select_target.getColumn(0).getInt64();
    select_target.tryReset();
    target_ids.emplace(name, id);
    return id;
  }
};

/// A read-only connection with its statements prepared once.
struct reader_connection {
  SQLite::Database db;
  SQLite::Statement select_results;
  SQLite::Statement select_transitions;

  explicit reader_connection(const std::filesystem::path& file)
      : db(open(file)),
        select_results(db, fmt::format("SELECT at, {} FROM results WHERE target_id = (SELECT id "
                                       "FROM targets WHERE name = ?1) AND at >= ?2 ORDER BY at, "
                                       "rowid LIMIT ?3",
                                       sqlite::result_columns)),
        select_transitions(db,
                           "SELECT at, target_group, from_state, to_state, reason FROM transitions "
                           "WHERE target_id = (SELECT id FROM targets WHERE name = ?1) AND at >= "
                           "?2 ORDER BY at, rowid LIMIT ?3") {}

  static SQLite::Database open(const std::filesystem::path& file) {
    SQLite::Database db(file, SQLite::OPEN_READONLY);
    sqlite::configure_reader(db);
    return db;
  }
};

/// Resets a statement when the scope ends, however it ends: a statement left mid-way keeps its
/// read transaction open, which pins the WAL and stops checkpoints.
class reset_on_exit {
 public:
  explicit reset_on_exit(SQLite::Statement& s) : statement_(s) {}
  ~reset_on_exit() { statement_.tryReset(); }
  reset_on_exit(const reset_on_exit&) = delete;
  reset_on_exit& operator=(const reset_on_exit&) = delete;

 private:
  SQLite::Statement& statement_;
};

class sqlite_store final : public history_store {
 public:
  explicit sqlite_store(std::filesystem::path file)
      : file_(std::move(file)), writer_(std::make_unique<writer_connection>(file_)) {}

  void append(const std::vector<result_record>& results,
              const std::vector<health::transition>& transitions) override {
    if (results.empty() && transitions.empty()) return;
    const std::lock_guard lock(writer_mutex_);
    auto& w = *writer_;
    try {
      // IMMEDIATE takes the write lock now rather than on the first insert, so a second process on
      // the same file makes us wait (busy timeout) instead of failing half-way.
      SQLite::Transaction tx(w.db, SQLite::TransactionBehavior::IMMEDIATE);
      for (const auto& r : results) {
        const std::int64_t id = w.target_id(r.target);
        w.insert_result.tryReset();
        w.insert_result.bind(1, id);
        w.insert_result.bind(2, unix_ms(r.at));
        sqlite::bind_result(w.insert_result, 3, r.result);
        w.insert_result.exec();
      }
      for (const auto& t : transitions) {
        const std::int64_t id = w.target_id(t.target);
        auto& insert = w.insert_transition;
        insert.tryReset();
        insert.bind(1, id);
        insert.bind(2, unix_ms(t.at));
        insert.bindNoCopy(3, t.group);
        insert.bind(4, std::string(health::to_string(t.from)));
        insert.bind(5, std::string(health::to_string(t.to)));
        insert.bindNoCopy(6, t.reason);
        insert.exec();
      }
      tx.commit();
    } catch (const std::exception& e) {
      // Rolled back: ids of targets inserted by this transaction are gone with it.
      w.target_ids.clear();
      w.insert_result.tryReset();
      w.insert_transition.tryReset();
      throw std::runtime_error(fmt::format("{}: {} results and {} transitions not stored: {}",
                                           file_.string(), results.size(), transitions.size(),
                                           e.what()));
    }
    w.insert_result.tryReset();
    w.insert_transition.tryReset();
  }

  std::vector<result_record> results(const std::string& target,
                                     health::wall_clock::time_point since,
                                     std::size_t limit) const override {
    return read("reading results", [&](reader_connection& r) {
      auto& q = r.select_results;
      const reset_on_exit reset(q);
      q.bind(1, target);
      q.bind(2, unix_ms(since));
      q.bind(3, sql_limit(limit));
      std::vector<result_record> out;
      while (q.executeStep()) {
        out.push_back({target, from_unix_ms(q.getColumn(0).getInt64()), sqlite::read_result(q, 1)});
      }
      return out;
    });
  }

  std::vector<health::transition> transitions(const std::string& target,
                                              health::wall_clock::time_point since,
                                              std::size_t limit) const override {
    return read("reading transitions", [&](reader_connection& r) {
      auto& q = r.select_transitions;
      const reset_on_exit reset(q);
      q.bind(1, target);
      q.bind(2, unix_ms(since));
      q.bind(3, sql_limit(limit));
      std::vector<health::transition> out;
      while (q.executeStep()) {
        health::transition t;
        t.target = target;
        t.at = from_unix_ms(q.getColumn(0).getInt64());
        t.group = q.getColumn(1).getString();
        t.from = health::state_from_string(q.getColumn(2).getString());
        t.to = health::state_from_string(q.getColumn(3).getString());
        t.reason = q.getColumn(4).getString();
        out.push_back(std::move(t));
      }
      return out;
    });
  }

  std::vector<restored_target> restore() const override {
    // One pass over the targets; each target's latest transition and result are one descending
    // step into the (target_id, at) indexes. Runs once per start, so prepared per call.
    return read("restoring targets", [&](reader_connection& r) {
      SQLite::Statement q(r.db, fmt::format(R"sql(
SELECT t.name, tr.to_state, tr.at, res.at, {}
FROM targets AS t
LEFT JOIN transitions AS tr ON tr.rowid = (
  SELECT rowid FROM transitions WHERE target_id = t.id ORDER BY at DESC, rowid DESC LIMIT 1)
LEFT JOIN results AS res ON res.rowid = (
  SELECT rowid FROM results WHERE target_id = t.id ORDER BY at DESC, rowid DESC LIMIT 1)
ORDER BY t.name)sql",
                                            sqlite::result_columns));
      std::vector<restored_target> out;
      while (q.executeStep()) {
        restored_target t;
        t.target = q.getColumn(0).getString();
        if (!q.getColumn(1).isNull()) {
          t.state = health::state_from_string(q.getColumn(1).getString());
          t.since = from_unix_ms(q.getColumn(2).getInt64());
        }
        if (!q.getColumn(3).isNull()) {
          t.last = result_record{t.target, from_unix_ms(q.getColumn(3).getInt64()),
                                 sqlite::read_result(q, 4)};
        }
        out.push_back(std::move(t));
      }
      return out;
    });
  }

  std::size_t prune(health::wall_clock::time_point before) override {
    std::size_t deleted = 0;
    for (auto which : {&writer_connection::prune_results, &writer_connection::prune_transitions}) {
      for (;;) {
        // One chunk per transaction, the writer's lock released in between: a history_writer
        // batch waits for one chunk at most, never for the whole prune.
        const std::lock_guard lock(writer_mutex_);
        auto& statement = (*writer_).*which;
        int changed = 0;
        try {
          SQLite::Transaction tx(writer_->db, SQLite::TransactionBehavior::IMMEDIATE);
          const reset_on_exit reset(statement);
          statement.bind(1, unix_ms(before));
          statement.bind(2, prune_chunk);
          changed = statement.exec();
          tx.commit();
        } catch (const std::exception& e) {
          throw std::runtime_error(fmt::format("{}: pruning: {}", file_.string(), e.what()));
        }
        deleted += static_cast<std::size_t>(changed);
        if (changed < prune_chunk) break;
      }
    }
    return deleted;
  }

  std::size_t result_count() const override {
    return read("counting results", [](reader_connection& r) {
      return static_cast<std::size_t>(r.db.execAndGet("SELECT count(*) FROM results").getInt64());
    });
  }

 private:
  /// Runs `query` on an idle read connection (opening one if none is idle) and names the file in
  /// any error.
  template <class Query>
  std::invoke_result_t<Query&, reader_connection&> read(const char* what, Query query) const {
    std::unique_ptr<reader_connection> reader;
    try {
      {
        const std::lock_guard lock(readers_mutex_);
        if (!idle_readers_.empty()) {
          reader = std::move(idle_readers_.back());
          idle_readers_.pop_back();
        }
      }
      if (!reader) reader = std::make_unique<reader_connection>(file_);
      auto out = query(*reader);
      const std::lock_guard lock(readers_mutex_);
      if (idle_readers_.size() < max_idle_readers) idle_readers_.push_back(std::move(reader));
      return out;
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{}: {}: {}", file_.string(), what, e.what()));
    }
  }

  std::filesystem::path file_;
  std::mutex writer_mutex_;
  std::unique_ptr<writer_connection> writer_;
  mutable std::mutex readers_mutex_;
  mutable std::vector<std::unique_ptr<reader_connection>> idle_readers_;
};

}  // namespace

std::unique_ptr<history_store> open_sqlite_store(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    throw core::config_error(
        fmt::format("{}: cannot create the data directory: {}", data_dir.string(), ec.message()));
  }
  const auto file = data_dir / "history.db";
  try {
    return std::make_unique<sqlite_store>(file);
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_NOTADB) {
      throw core::config_error(fmt::format(
          "{}: not a fleetcheck history database ({}); move it away or choose another data "
          "directory",
          file.string(), e.what()));
    }
    throw core::config_error(
        fmt::format("{}: cannot open the history database: {}", file.string(), e.what()));
  } catch (const std::exception& e) {
    throw core::config_error(
        fmt::format("{}: cannot open the history database: {}", file.string(), e.what()));
  }
}

}  // namespace fleetcheck::serve
