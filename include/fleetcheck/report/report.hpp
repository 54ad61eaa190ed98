#pragma once

#include <cstddef>
#include <ostream>
#include <span>
#include <string_view>

#include "fleetcheck/core/target.hpp"
#include "fleetcheck/engine/fleet_run.hpp"

namespace fleetcheck::report {

/// What a renderer reads: the targets and their results, index for index.
struct fleet_view {
  std::span<const core::target> targets;
  const engine::run_report& run;
};

/// Counts by outcome, for summaries.
struct tally {
  std::size_t total = 0, healthy = 0, unhealthy = 0, error = 0, timeout = 0, deadline = 0;
  std::size_t failed() const { return total - healthy; }
};
tally count(const engine::run_report& run);

/// 0 when every target is healthy, 1 otherwise (2 is the CLI's, for bad input).
int exit_code(const engine::run_report& run);

enum class format { table, json, ndjson, prometheus };
/// Parses "table", "json", "ndjson", "prometheus"; throws std::invalid_argument.
format parse_format(std::string_view name);

struct table_options {
  bool colour = false;
};

void render_table(std::ostream& out, const fleet_view& fleet, const table_options& options);
void render_json(std::ostream& out, const fleet_view& fleet);
void render_ndjson(std::ostream& out, const fleet_view& fleet);
void render_prometheus(std::ostream& out, const fleet_view& fleet);

}  // namespace fleetcheck::report
