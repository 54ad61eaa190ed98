#pragma once
// How a core::probe_result maps to the columns of the `results` table (internal to serve/): one
// place for the column list, the binding and the reading, so that every query agrees.

#include <cstdint>

#include <SQLiteCpp/Statement.h>

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::serve::sqlite {

/// The result's columns in the order bind_result and read_result use (without target_id and at).
inline constexpr const char* result_columns =
    "outcome, failure, failed_phase, http_status, duration_us, resolve_us, connect_us, tls_us, "
    "first_byte_us, transfer_us, attempts, redirects, cert_expires_at, tls_resumed, error, "
    "failed_conditions, tls_version, protocol_facts";
inline constexpr int result_column_count = 18;

/// Binds the result's columns to parameters first .. first + result_column_count - 1.
void bind_result(SQLite::Statement& insert, int first, const core::probe_result& r);
/// Reads the result's columns from columns first .. first + result_column_count - 1 of the row.
core::probe_result read_result(SQLite::Statement& row, int first);

/// Times are stored as Unix milliseconds (finer parts are dropped).
std::int64_t unix_ms(health::wall_clock::time_point t);
health::wall_clock::time_point from_unix_ms(std::int64_t ms);

}  // namespace fleetcheck::serve::sqlite
