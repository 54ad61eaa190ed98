#include "fleetcheck/health/tracker.hpp"

#include <fmt/format.h>

namespace fleetcheck::health {
namespace {

std::string streak(int n, std::string_view what) {
  return n == 1 ? fmt::format("1 {} check", what)
                : fmt::format("{} consecutive {} checks", n, what);
}

}  // namespace

std::optional<transition> tracker::move_to(state to, wall_clock::time_point now,
                                           std::string reason) {
  if (to == state_) return std::nullopt;
  transition t;
  t.from = state_;
  t.to = to;
  t.at = now;
  t.reason = std::move(reason);
  state_ = to;
  since_ = now;
  return t;
}

std::optional<transition> tracker::record(verdict v, wall_clock::time_point now,
                                          const std::string& detail) {
  const auto with_detail = [&](std::string reason) {
    return detail.empty() ? reason : fmt::format("{}: {}", reason, detail);
  };
  switch (v) {
    case verdict::fail:
      ++failures_;
      passes_ = clean_ = degraded_ = 0;
      if (state_ == state::unknown)
        return move_to(state::unhealthy, now, with_detail("first check failed"));
      if (failures_ >= thresholds_.unhealthy) {
        return move_to(state::unhealthy, now, with_detail(streak(failures_, "failed")));
      }
      return std::nullopt;
    case verdict::pass:
      ++passes_;
      ++clean_;
      degraded_ = failures_ = 0;
      if (state_ == state::unknown) return move_to(state::healthy, now, "first check passed");
      if (state_ == state::unhealthy && passes_ >= thresholds_.healthy) {
        return move_to(state::healthy, now, streak(passes_, "passing"));
      }
      if (state_ == state::degraded && clean_ >= thresholds_.healthy) {
        return move_to(state::healthy, now, streak(clean_, "passing"));
      }
      return std::nullopt;
    case verdict::degraded:
      ++passes_;
      ++degraded_;
      clean_ = failures_ = 0;
      if (state_ == state::unknown) {
        return move_to(state::degraded, now, with_detail("first check degraded"));
      }
      if (state_ == state::unhealthy && passes_ >= thresholds_.healthy) {
        return move_to(state::degraded, now, with_detail(streak(passes_, "passing")));
      }
      if (state_ == state::healthy && degraded_ >= thresholds_.unhealthy) {
        return move_to(state::degraded, now, with_detail(streak(degraded_, "degraded")));
      }
      return std::nullopt;
  }
  return std::nullopt;
}

void tracker::restore(state s, wall_clock::time_point since) {
  state_ = s;
  since_ = since;
  passes_ = clean_ = degraded_ = failures_ = 0;
}

}  // namespace fleetcheck::health
