#pragma once
// The history database's schema and the settings of its connections (internal to serve/).

#include <SQLiteCpp/Database.h>

namespace fleetcheck::serve::sqlite {

/// The schema this build writes; migrate() brings older files up to it.
inline constexpr int current_schema_version = 2;

/// The writer's connection: WAL, synchronous=NORMAL, a busy timeout. Throws SQLite::Exception
/// (SQLITE_NOTADB for a file that is not a database).
void configure_writer(SQLite::Database& db);
/// A reader's connection: the busy timeout only (WAL is a property of the file).
void configure_reader(SQLite::Database& db);

/// Applies every migration newer than the file's schema version, all in one transaction.
/// Throws std::runtime_error when the file was written by a newer fleetcheck (its schema is
/// unknown to us), SQLite::Exception when SQLite fails.
void migrate(SQLite::Database& db);

/// The schema version stored in the file (0 for a new file).
int schema_version(SQLite::Database& db);

}  // namespace fleetcheck::serve::sqlite
