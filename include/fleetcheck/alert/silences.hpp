#pragma once
// Silences: "do not alert for these targets until then", added and expired at run time (serve's
// `POST /api/v1/silences`). Pure: every call takes the time as an argument.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/alert/selector.hpp"
#include "fleetcheck/core/expected.hpp"
#include "fleetcheck/health/health_state.hpp"

namespace fleetcheck::alert {

using health::wall_clock;

/// What a silence covers: targets by name or by group, the pattern exact or a glob.
struct silence_matcher {
  enum class field : std::uint8_t { target, group };
  field on = field::target;
  std::string pattern;
};

struct silence {
  std::string id;  ///< assigned by silences::add
  silence_matcher matcher;
  wall_clock::time_point starts_at;
  wall_clock::time_point ends_at;
  std::string created_by;
  std::string comment;
};

enum class silence_state : std::uint8_t { pending, active, expired };
/// "pending", "active", "expired".
std::string_view to_string(silence_state s);
silence_state state_of(const silence& s, wall_clock::time_point now);

/// The silences of one daemon. Thread-safe (the HTTP API adds, the notifier asks); every call is
/// short and never blocks on I/O.
class silences {
 public:
  struct limits {
    std::size_t max_silences = 10'000;  ///< live (pending + active) silences at most
    wall_clock::duration keep_expired = std::chrono::hours(24);  ///< then forgotten
  };
  silences();
  explicit silences(limits l);
  silences(limits l, std::uint64_t seed);  ///< deterministic ids, for tests

  /// Adds `s` under a new id and returns it as stored, or says why it cannot be: a malformed
  /// pattern, ends_at not after starts_at or not after now, too many silences.
  core::expected<silence> add(silence s, wall_clock::time_point now);
  /// Ends the silence now. False when no live silence has this id.
  bool expire(std::string_view id, wall_clock::time_point now);
  /// Every silence, live or expired within `keep_expired`, ordered by starts_at.
  std::vector<silence> list(wall_clock::time_point now) const;
  /// The id of an active silence that covers the target, if any.
  std::optional<std::string> silenced_by(std::string_view target, std::string_view group,
                                         wall_clock::time_point now) const;
  bool is_silenced(std::string_view target, std::string_view group,
                   wall_clock::time_point now) const {
    return silenced_by(target, group, now).has_value();
  }

 private:
  struct entry {
    silence value;
    selector match;
  };
  void forget_old(wall_clock::time_point now);

  limits limits_;
  mutable std::mutex mutex_;
  std::vector<entry> entries_;
  std::mt19937_64 ids_;
};

/// A silence from the JSON body of a request:
///   {"matcher": {"target": "api-*"} | {"group": "payments"},
///    "starts_at": "2026-11-23T17:00:00Z" (optional: now),
///    "ends_at": "2026-11-23T19:00:00Z" | "duration": "2h",
///    "created_by": "alice", "comment": "deploy"}
/// or why it is not one (bad JSON, unknown key, missing field, bad time); never throws.
core::expected<silence> silence_from_json(std::string_view body, wall_clock::time_point now);
/// {"id", "matcher", "starts_at", "ends_at", "created_by", "comment", "state"}: valid JSON for any
/// bytes in the strings.
std::string to_json(const silence& s, wall_clock::time_point now);
/// A JSON array of to_json(s).
std::string to_json(std::span<const silence> all, wall_clock::time_point now);

/// RFC 3339 ("2026-11-23T17:00:00Z", "...T18:00:00.5+01:00") to a time point, or why not.
core::expected<wall_clock::time_point> time_from_rfc3339(std::string_view text);

}  // namespace fleetcheck::alert
