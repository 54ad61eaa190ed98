#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/bench/child_process.hpp"

namespace fleetcheck::bench {

/// How one measured run of one strategy ended.
enum class run_status {
  ok,           ///< exited 0 and printed its result line (checks may still have failed: see ok)
  failed,       ///< exited non-zero
  crashed,      ///< killed by a signal it did not ask for
  overran,      ///< still running at its time bound: we killed it
  no_result,    ///< exited 0 without a result line we could read
  interrupted,  ///< the harness was interrupted during the run
};

std::string_view to_string(run_status s);

/// One run of one strategy at one N, measured from outside.
struct run_record {
  std::string strategy;
  std::size_t n = 0;
  int rep = 0;  ///< 1-based
  run_status status = run_status::ok;
  std::string detail;  ///< why it is not ok, or the first failed check's error
  process_usage usage;
  std::size_t ok = 0;
  std::size_t failed = 0;
  double inner_seconds = 0;     ///< the client's own elapsed_seconds
  double mock_cpu_seconds = 0;  ///< CPU the mock fleet spent serving this run
  /// User CPU the rest of the machine used meanwhile (a compiler, say), from /proc/stat less this
  /// run and the mock: a noisy neighbour shows up here. Counted in 10 ms ticks: ±0.02 s is noise.
  double other_cpu_seconds = 0;
  bool disturbed = false;  ///< other processes took a noticeable share even after retries
};

/// One strategy at one N: its runs, or why it was not run.
struct cell {
  std::string strategy;
  std::size_t n = 0;
  std::string skipped;  ///< non-empty: not run, and why (never extrapolated)
  int planned_reps = 0;
  std::vector<run_record> runs;
};

/// Statistics over a cell's runs that ended `ok`.
struct cell_summary {
  std::size_t runs = 0;  ///< all runs
  std::size_t good = 0;  ///< runs that ended ok
  double wall_median = 0, wall_min = 0, wall_max = 0;
  double cpu_median = 0;          ///< user + system seconds
  double cpu_percent_median = 0;  ///< CPU / wall, 100 = one core busy
  double mock_cpu_median = 0;
  double other_cpu_max = 0;  ///< the most CPU other processes took during one run
  double voluntary_median = 0, involuntary_median = 0;
  long rss_max_kib = 0;    ///< the largest peak over the runs
  std::size_t ok_min = 0;  ///< the fewest healthy checks in a run
};

/// Median of `values` (the mean of the middle two for an even count); 0 for none.
double median(std::vector<double> values);

cell_summary summarize(const cell& c);

/// Where and how the numbers were taken: printed above the table.
struct bench_context {
  std::string started_at;             ///< local time, ISO 8601
  std::string machine;                ///< "AMD EPYC, 2 cores, 23.4 GiB RAM, Linux 6.1.0"
  std::vector<std::string> settings;  ///< "latency 200ms", "services 100", ...
  std::vector<std::string> notes;     ///< everything the reader must know (skips, limits)
};

struct bench_report {
  bench_context context;
  std::vector<cell> cells;  ///< by N, then in the order the strategies were given
};

/// The Markdown table (strategy, N, wall median [min–max], CPU s, CPU %, peak RSS, ok, notes),
/// with the context above it.
std::string render_markdown(const bench_report& report);
/// The table only, for the terminal and for docs.
std::string render_markdown_table(const bench_report& report);
/// One row per run, and one per skipped cell.
void write_csv(std::ostream& out, const bench_report& report);
/// Everything: context, per-cell summaries and every run.
void write_json(std::ostream& out, const bench_report& report);

}  // namespace fleetcheck::bench
