#pragma once

#include <cstddef>
#include <ostream>
#include <span>
#include <string_view>

#include "fleetcheck/core/expected.hpp"
#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/run_summary.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::report {

/// What a renderer reads: the targets and their results, index for index, and the run's summary.
/// Plain values: `check`, and later `serve`'s API, render the same way.
struct fleet_view {
  std::span<const core::target> targets;
  std::span<const core::probe_result> results;
  core::run_summary summary;
};

/// Counts by outcome, for summaries.
struct tally {
  std::size_t total = 0, healthy = 0, unhealthy = 0, error = 0, timeout = 0, deadline = 0;
  std::size_t failed() const { return total - healthy; }
};
tally count(std::span<const core::probe_result> results);

/// 0 when every target is healthy, 1 otherwise (2 is the CLI's, for bad input).
int exit_code(std::span<const core::probe_result> results);

enum class format { table, json, ndjson, prometheus };
/// Parses "table", "json", "ndjson", "prometheus".
core::expected<format> parse_format(std::string_view name);

struct table_options {
  bool colour = false;
};

/// Every renderer accepts arbitrary bytes in names, URLs and messages (what a server sent is
/// quoted in them): the table escapes control characters and invalid UTF-8 as \xNN, JSON replaces
/// invalid UTF-8 with U+FFFD, Prometheus escapes labels as its text format requires. None throws
/// for any input; only the stream can fail (check it after).
void render_table(std::ostream& out, const fleet_view& fleet, const table_options& options);
void render_json(std::ostream& out, const fleet_view& fleet);
void render_ndjson(std::ostream& out, const fleet_view& fleet);
void render_prometheus(std::ostream& out, const fleet_view& fleet);

/// NDJSON in pieces, for streaming as checks finish: one line per result, then the summary line.
void write_ndjson_result(std::ostream& out, const core::target& t, const core::probe_result& r);
void write_ndjson_summary(std::ostream& out, const fleet_view& fleet);

}  // namespace fleetcheck::report
