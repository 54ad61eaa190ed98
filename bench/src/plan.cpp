#include "fleetcheck/bench/plan.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "count_text.hpp"

namespace fleetcheck::bench {
namespace {

std::string rounded_seconds(double s) {
  return s < 10 ? fmt::format("{:.1f} s", s) : fmt::format("{:.0f} s", s);
}

}  // namespace

double floor_seconds(std::size_t n, std::size_t concurrency, core::duration latency) {
  concurrency = std::max<std::size_t>(concurrency, 1);
  const auto waves = (n + concurrency - 1) / concurrency;
  return static_cast<double>(waves) * core::to_seconds(latency);
}

cell_plan plan_cell(const strategy& s, std::size_t n, const plan_settings& settings,
                    const std::optional<earlier_result>& earlier) {
  cell_plan plan;
  const auto max_run = core::to_seconds(settings.max_run);
  const auto concurrency = s.concurrency(n);
  const auto floor = floor_seconds(n, concurrency, settings.latency);

  if ((s.kind == strategy_kind::threads || s.kind == strategy_kind::py_threads) &&
      concurrency > in_flight_cap) {
    plan.skip = fmt::format(
        "needs {} threads: over the {} in-flight cap every strategy gets (a thread per check "
        "also runs into pid_max and vm.max_map_count near 32,000)",
        count_text(concurrency), count_text(in_flight_cap));
    return plan;
  }
  if (earlier && !earlier->completed) {
    plan.skip =
        fmt::format("did not complete at N={} ({})", count_text(earlier->n), earlier->problem);
    return plan;
  }
  double predicted = floor;
  if (earlier && earlier->n > 0) {
    const auto earlier_floor =
        floor_seconds(earlier->n, s.concurrency(earlier->n), settings.latency);
    const auto excess = std::max(0.0, earlier->wall_seconds - earlier_floor);
    predicted = floor + excess * static_cast<double>(n) / static_cast<double>(earlier->n);
  }
  plan.predicted_seconds = predicted;
  if (predicted > max_run) {
    plan.skip =
        earlier && predicted > floor * 1.5
            ? fmt::format("would take about {}: {} at N={}, scaled to N={}; over --max-run {}",
                          rounded_seconds(predicted), rounded_seconds(earlier->wall_seconds),
                          count_text(earlier->n), count_text(n),
                          core::format_duration(settings.max_run))
            : fmt::format("would take at least {}: {} checks × {}, {} at a time; over --max-run {}",
                          rounded_seconds(floor), count_text(n),
                          core::format_duration(settings.latency), count_text(concurrency),
                          core::format_duration(settings.max_run));
    return plan;
  }

  const auto budget = core::to_seconds(settings.cell_budget);
  const int wanted = std::max(1, settings.reps);
  const int fitting = predicted > 0 ? static_cast<int>(std::floor(budget / predicted)) : wanted;
  plan.reps = std::clamp(fitting, std::clamp(settings.min_reps, 1, wanted), wanted);

  if (settings.run_timeout) {
    plan.limit = *settings.run_timeout;
  } else {
    // Generous: a run is only called an overrun when something is badly wrong, not when the
    // machine is a little slower than predicted.
    plan.limit = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(std::max(20.0, 3 * predicted + 15)));
  }
  plan.client_deadline = std::chrono::duration_cast<core::duration>(plan.limit * 4 / 5);
  return plan;
}

}  // namespace fleetcheck::bench
