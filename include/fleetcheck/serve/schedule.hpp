#pragma once
// The pure rules of `serve`'s schedule: when each target's checks are due, and which shard a
// target belongs to. No clock and no randomness of their own: both are arguments, so that the
// rules are tested with values.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/expected.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::serve {

using steady = std::chrono::steady_clock;

/// The interval of a target's checks: its `interval` setting, else the source's (a Gatus
/// endpoint's `interval`), else 30 s.
core::duration interval_of(const core::target& t);

/// When target `index` of `count` is first due: spread evenly over its first interval, so that a
/// fleet started at once does not check everything in the same instant.
steady::time_point first_due(steady::time_point start, std::size_t index, std::size_t count,
                             core::duration interval);

/// One round of a target's schedule. `base` advances by whole intervals; `due` is `base` moved by
/// the round's jitter, so that jitter never accumulates into drift.
struct round {
  steady::time_point base;
  steady::time_point due;
};

/// The round after `previous`, given that the check finished at `now`. `unit` in [0, 1) is a
/// uniform random draw; the jitter moves `due` by (2 × unit − 1) × jitter × interval. A target
/// that fell a whole interval behind (a check that took longer than its interval) restarts its
/// rounds from `now` instead of queueing the rounds it missed. Never due before `now`.
round next_round(const round& previous, steady::time_point now, core::duration interval,
                 double jitter, double unit);

/// 64-bit FNV-1a of `text`: stable across versions, machines and processes (the shard of a
/// target must not change when an instance restarts).
std::uint64_t fnv1a(std::string_view text);

/// `--shard i/n`: this instance checks the targets whose fnv1a(name) % n == i.
struct shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
  bool owns(std::string_view target_name) const { return fnv1a(target_name) % count == index; }
};
/// Parses "i/n" with 0 <= i < n <= 1024.
core::expected<shard> parse_shard(std::string_view text);

}  // namespace fleetcheck::serve
