#include "serve/result_columns.hpp"

#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>

#include <SQLiteCpp/Column.h>
#include <nlohmann/json.hpp>

namespace fleetcheck::serve::sqlite {
namespace {

// Durations as integer microseconds: 1-4 bytes in SQLite's record format instead of a REAL's 8.
std::int64_t micros(double seconds) {
  return std::llround(seconds * 1e6);
}
double seconds(std::int64_t micros) {
  return static_cast<double>(micros) / 1e6;
}

// Stable name -> value for an enum, built from the enum's own naming function over every value
// of its underlying type, so that a kind added to the enum is read back without editing this file.
template <class Enum, class Name>
Enum by_name(std::string_view name, Name name_of, Enum otherwise) {
  static const auto table = [&] {
    std::unordered_map<std::string_view, Enum> t;
    for (int i = 0; i < 256; ++i) {
      const auto value = static_cast<Enum>(i);
      if (const std::string_view n = name_of(value); n != "unknown") t.emplace(n, value);
    }
    return t;
  }();
  const auto found = table.find(name);
  return found == table.end() ? otherwise : found->second;
}

std::string_view text(SQLite::Statement& row, int column) {
  const SQLite::Column c = row.getColumn(column);
  return {c.getText(), static_cast<std::size_t>(c.getBytes())};
}

}  // namespace

std::int64_t unix_ms(health::wall_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

health::wall_clock::time_point from_unix_ms(std::int64_t ms) {
  return health::wall_clock::time_point{
      std::chrono::duration_cast<health::wall_clock::duration>(std::chrono::milliseconds{ms})};
}

void bind_result(SQLite::Statement& insert, int first, const core::probe_result& r) {
  int i = first;
  insert.bind(i++, std::string(core::to_string(r.outcome)));
  insert.bind(i++, std::string(core::to_string(r.failure)));
  insert.bind(i++, std::string(core::phase_name(r.failed_phase)));
  insert.bind(i++, r.http_status);
  insert.bind(i++, micros(r.duration_seconds));
  insert.bind(i++, micros(r.phases.resolve));
  insert.bind(i++, micros(r.phases.connect));
  insert.bind(i++, micros(r.phases.tls));
  insert.bind(i++, micros(r.phases.first_byte));
  insert.bind(i++, micros(r.phases.transfer));
  insert.bind(i++, r.attempts);
  insert.bind(i++, r.redirects);
  if (r.cert_expires_at) {
    insert.bind(i++, *r.cert_expires_at);
  } else {
    insert.bind(i++);  // NULL
  }
  insert.bind(i++, r.tls_resumed ? 1 : 0);
  if (r.error.empty()) {
    insert.bind(i++);
  } else {
    insert.bindNoCopy(i++, r.error);  // `r` outlives the statement's execution
  }
  if (r.failed_conditions.empty()) {
    insert.bind(i++);
  } else {
    insert.bind(i++, nlohmann::json(r.failed_conditions).dump());
  }
}

core::probe_result read_result(SQLite::Statement& row, int first) {
  core::probe_result r;
  int i = first;
  r.outcome = by_name(
      text(row, i++), [](core::outcome o) { return core::to_string(o); }, core::outcome::error);
  r.failure = by_name(
      text(row, i++), [](core::failure f) { return core::to_string(f); },
      core::failure::internal_error);
  r.failed_phase = by_name(
      text(row, i++), [](core::probe_phase p) { return core::phase_name(p); },
      core::probe_phase::queued);
  r.http_status = row.getColumn(i++).getInt();
  r.duration_seconds = seconds(row.getColumn(i++).getInt64());
  r.phases.resolve = seconds(row.getColumn(i++).getInt64());
  r.phases.connect = seconds(row.getColumn(i++).getInt64());
  r.phases.tls = seconds(row.getColumn(i++).getInt64());
  r.phases.first_byte = seconds(row.getColumn(i++).getInt64());
  r.phases.transfer = seconds(row.getColumn(i++).getInt64());
  r.attempts = row.getColumn(i++).getInt();
  r.redirects = row.getColumn(i++).getInt();
  if (const SQLite::Column expiry = row.getColumn(i++); !expiry.isNull()) {
    r.cert_expires_at = expiry.getInt64();
  }
  r.tls_resumed = row.getColumn(i++).getInt() != 0;
  r.error = std::string(text(row, i++));  // NULL reads as ""
  if (const SQLite::Column conditions = row.getColumn(i++); !conditions.isNull()) {
    const auto parsed = nlohmann::json::parse(conditions.getText(), nullptr, false);
    if (parsed.is_array()) {
      for (const auto& c : parsed) {
        if (c.is_string()) r.failed_conditions.push_back(c.get<std::string>());
      }
    }
  }
  return r;
}

}  // namespace fleetcheck::serve::sqlite
