#include "serve/sqlite_schema.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fmt/format.h>

namespace fleetcheck::serve::sqlite {
namespace {

// How long a connection waits for another one's lock (another process opening the same data
// directory, a checkpoint) before SQLITE_BUSY. Writes are batched, so waits are short.
constexpr int busy_timeout_ms = 5000;

// migrations[i] takes the schema from version i to i + 1. Never edit one that has shipped: add
// the next. Rows stay small for 5,000 inserts/s: targets by integer id, times as Unix
// milliseconds, durations as integer microseconds (SQLite stores small integers in 1-4 bytes, a
// REAL always in 8), an empty error or no failed condition as NULL (0 bytes). Outcome, failure,
// phase and state are stored by their stable names, not enum values: a failure kind added in the
// middle of the enum must not change the meaning of rows already written.
constexpr std::array migrations{
    R"sql(
CREATE TABLE targets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE results (
  target_id INTEGER NOT NULL REFERENCES targets (id),
  at INTEGER NOT NULL,               -- check finished, Unix milliseconds
  outcome TEXT NOT NULL,
  failure TEXT NOT NULL,
  failed_phase TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  duration_us INTEGER NOT NULL,
  resolve_us INTEGER NOT NULL,
  connect_us INTEGER NOT NULL,
  tls_us INTEGER NOT NULL,
  first_byte_us INTEGER NOT NULL,
  transfer_us INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  redirects INTEGER NOT NULL,
  cert_expires_at INTEGER,           -- Unix seconds; NULL when not a TLS check
  tls_resumed INTEGER NOT NULL,
  error TEXT,                        -- NULL when empty
  failed_conditions TEXT             -- a JSON array of strings; NULL when none failed
);
CREATE INDEX results_by_target ON results (target_id, at);
CREATE INDEX results_by_age ON results (at);
CREATE TABLE transitions (
  target_id INTEGER NOT NULL REFERENCES targets (id),
  at INTEGER NOT NULL,               -- Unix milliseconds
  target_group TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX transitions_by_target ON transitions (target_id, at);
CREATE INDEX transitions_by_age ON transitions (at);
)sql",
    // 2: what gRPC, DNS, ICMP and TLS checks saw beyond the common fields. Added columns, so a
    // file of version 1 keeps its rows (they read back with none of these facts). The facts of
    // one protocol are sparse and differ in shape, so they share one JSON column, NULL (0 bytes)
    // for a plain HTTP or TCP check; the TLS version is common to every TLS check, so it is a
    // column of its own.
    R"sql(
ALTER TABLE results ADD COLUMN tls_version TEXT;     -- "TLS 1.3"; NULL when not a TLS check
ALTER TABLE results ADD COLUMN protocol_facts TEXT;  -- {"grpc":..,"icmp":..,"dns":..}; NULL if none
)sql",
};
static_assert(migrations.size() == current_schema_version);

}  // namespace

void configure_writer(SQLite::Database& db) {
  db.setBusyTimeout(busy_timeout_ms);
  // WAL: readers never block the writer nor it them, and a commit appends to one file. With
  // synchronous=NORMAL a commit does not wait for fsync (checkpoints do): a killed process loses
  // nothing it committed (the WAL is in the page cache), and a power cut loses at most the last
  // transactions, never the database's consistency.
  const std::string mode = db.execAndGet("PRAGMA journal_mode=WAL").getString();
  if (mode != "wal") {
    throw std::runtime_error(fmt::format("cannot switch to WAL mode (journal_mode is {})", mode));
  }
  db.exec("PRAGMA synchronous=NORMAL");
}

void configure_reader(SQLite::Database& db) {
  db.setBusyTimeout(busy_timeout_ms);
}

int schema_version(SQLite::Database& db) {
  if (!db.tableExists("schema_version")) return 0;
  return db.execAndGet("SELECT max(version) FROM schema_version").getInt();
}

void migrate(SQLite::Database& db) {
  // IMMEDIATE: two processes opening the same new file must not both create the tables.
  SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const int found = schema_version(db);
  if (found > current_schema_version) {
    throw std::runtime_error(
        fmt::format("schema version {} is newer than this fleetcheck's ({}): written by a newer "
                    "release",
                    found, current_schema_version));
  }
  for (int version = found; version < current_schema_version; ++version) {
    db.exec(migrations[static_cast<std::size_t>(version)]);
  }
  if (found < current_schema_version) {
    db.exec("DELETE FROM schema_version");
    SQLite::Statement set(db, "INSERT INTO schema_version (version) VALUES (?)");
    set.bind(1, current_schema_version);
    set.exec();
  }
  tx.commit();
}

}  // namespace fleetcheck::serve::sqlite
