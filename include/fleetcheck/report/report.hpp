#pragma once

#include <cstddef>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

/// Tallies per group, in the order groups first appear; empty when no target has a group
/// (targets without one are counted under "").
std::vector<std::pair<std::string, tally>> count_by_group(const fleet_view& fleet);

/// 0 when every target is healthy, 1 otherwise (2 is the CLI's, for bad input).
int exit_code(std::span<const core::probe_result> results);

enum class format { table, json, ndjson, prometheus, junit };
/// Parses "table", "json", "ndjson", "prometheus", "junit".
core::expected<format> parse_format(std::string_view name);

/// The version of the JSON report's shape (`summary.schema_version`, docs/report-schema.json).
/// Adding a field keeps it; renaming, removing or retyping one raises it.
inline constexpr int json_schema_version = 1;

struct table_options {
  bool colour = false;
  /// Display columns each row must fit in (the terminal's width); 0 = unlimited. URL and DETAIL
  /// cells are shortened with "…" to fit; TARGET, RESULT, HTTP and TIME are never cut.
  std::size_t width = 0;
};

/// What a report includes, in every format. The summary (counts, latency) always covers every
/// target, whatever rows are left out.
struct render_options {
  /// Rows of non-healthy targets only: table, json, ndjson and junit. Prometheus ignores it: a
  /// series that comes and goes with health would break `probe_success == 0` alerts.
  bool only_failed = false;
  /// Table: the summary lines only. The machine-readable formats ignore it.
  bool quiet = false;
  /// JSON: rows already rendered with result_json, by target index, as their checks finished
  /// ("" or past the end: rendered here). What is left for the end of a run is then only the
  /// rows of the checks the deadline cut short.
  std::span<const std::string> rendered_rows;
};

/// Whether `r` gets a row (a table row, a JSON result, an NDJSON line, a JUnit testcase) under
/// `options`. For a caller that streams rows itself with write_ndjson_result.
bool shows(const render_options& options, const core::probe_result& r);

/// The whole report in format `f`: the one call for a caller that does not stream. `table` is
/// read by format::table only.
void render(std::ostream& out, format f, const fleet_view& fleet,
            const render_options& options = {}, const table_options& table = {});

/// Every renderer accepts arbitrary bytes in names, URLs and messages (what a server sent is
/// quoted in them): the table escapes control characters and invalid UTF-8 as \xNN, JSON replaces
/// invalid UTF-8 with U+FFFD, Prometheus escapes labels as its text format requires, JUnit makes
/// every string valid XML 1.0 (see xml_escape). None throws for any input; only the stream can
/// fail (check it after).
void render_table(std::ostream& out, const fleet_view& fleet, const table_options& table,
                  const render_options& options = {});
void render_json(std::ostream& out, const fleet_view& fleet, const render_options& options = {});
void render_ndjson(std::ostream& out, const fleet_view& fleet, const render_options& options = {});
void render_prometheus(std::ostream& out, const fleet_view& fleet);
/// JUnit XML as Jenkins, GitLab and GitHub test reporters read it: one testcase per target.
void render_junit(std::ostream& out, const fleet_view& fleet, const render_options& options = {});

/// One result as the JSON object of a report row (one line, no newline): what `check --format
/// json` lists in `results`, and what `serve`'s API embeds as a target's last result.
std::string result_json(const core::target& t, const core::probe_result& r);

/// NDJSON in pieces, for streaming as checks finish: one line per result, then the summary line.
void write_ndjson_result(std::ostream& out, const core::target& t, const core::probe_result& r);
void write_ndjson_summary(std::ostream& out, const fleet_view& fleet);

}  // namespace fleetcheck::report
