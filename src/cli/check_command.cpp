#include "fleetcheck/cli/check_command.hpp"

#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/atomic_output.hpp"
#include "cli/check_plan.hpp"
#include "fleetcheck/cli/exit_codes.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/process_limits.hpp"
#include "fleetcheck/engine/loop_pool.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"

namespace fleetcheck::cli {
namespace {

/// Columns of the terminal the table goes to; 0 (no limit) for files, pipes and --wide.
std::size_t table_width(const check_options& o, const std::ostream& sink, const std::ostream& out) {
  if (o.wide || &sink != &out || ::isatty(STDOUT_FILENO) != 1) return 0;
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) return std::strtoul(columns, nullptr, 10);
  return 0;
}

/// Writes the whole report in the chosen format. NDJSON lines already streamed are skipped.
void write_report(std::ostream& sink, const check_plan& p, const engine::run_report& result,
                  const std::vector<bool>& streamed, const std::vector<std::string>& rendered,
                  const check_options& options, const std::ostream& out) {
  const report::fleet_view view{p.targets, result.results, result.summary};
  const report::render_options shown{options.only_failed, options.quiet, rendered};
  if (p.format == report::format::ndjson) {
    for (std::size_t i = 0; i < result.results.size(); ++i) {
      if (!streamed[i] && report::shows(shown, result.results[i])) {
        report::write_ndjson_result(sink, p.targets[i], result.results[i]);
      }
    }
    report::write_ndjson_summary(sink, view);
    return;
  }
  const bool colour = &sink == &out && !options.no_colour && std::getenv("NO_COLOR") == nullptr &&
                      ::isatty(STDOUT_FILENO) == 1;
  report::render(sink, p.format, view, shown,
                 report::table_options{colour, table_width(options, sink, out)});
}

bool show_progress(const check_options& o) {
  return o.progress == "always" || (o.progress == "auto" && ::isatty(STDERR_FILENO) == 1);
}

/// One live line on stderr while a long run goes on (checked/total, failures, time left to the
/// deadline), erased before the report is written. Short runs (under a second) draw nothing.
void draw_progress(engine::fleet_run& run, const engine::run_options& options, std::ostream& err) {
  using namespace std::chrono;
  const auto deadline = options.start + options.deadline;
  bool drawn = false;
  while (!run.wait_until(steady_clock::now() + milliseconds(200))) {
    const auto now = steady_clock::now();
    if (now - options.start < seconds(1)) continue;
    const auto counts = run.progress();
    const auto left =
        duration_cast<milliseconds>(std::max(deadline - now, steady_clock::duration{}));
    err << fmt::format("\r\033[Kchecked {}/{}, {} failed, {:.1f}s left to the deadline",
                       counts.finished, counts.total, counts.failed,
                       static_cast<double>(left.count()) / 1e3)
        << std::flush;
    drawn = true;
  }
  if (drawn) err << "\r\033[K" << std::flush;
}

}  // namespace

int run_check(const check_options& options, std::ostream& out, std::ostream& err) {
  // Hold SIGINT/SIGTERM from the start: one that arrives while the targets are read stays
  // pending (every thread started later inherits the mask) until the watch below takes it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  check_plan p;
  std::unique_ptr<probe::tls_contexts> tls;
  try {
    if (options.progress != "auto" && options.progress != "always" && options.progress != "never") {
      throw core::config_error(
          fmt::format("--progress {}: use auto, always or never", options.progress));
    }
    p = make_check_plan(options);
    tls = std::make_unique<probe::tls_contexts>(p.targets);
  } catch (const core::config_error& e) {
    err << "fleetcheck: " << e.what() << '\n';
    return bad_input;
  }
  // Only once the input is known good: bad input stays a single line on stderr.
  for (const auto& notice : p.notices) err << "fleetcheck: note: " << notice << '\n';

  // Open the output before checking anything: a typo in -o should not cost a whole run.
  std::optional<atomic_output> file;
  if (!options.output_file.empty() && options.output_file != "-") {
    std::string why;
    file.emplace(options.output_file, why);
    if (!why.empty()) {
      err << fmt::format("fleetcheck: -o {}: cannot write: {}\n", options.output_file, why);
      return bad_input;
    }
  }
  std::ostream& sink = file ? file->stream() : out;

  core::raise_open_file_limit();
  // NDJSON goes out as each check finishes, so that `| jq` shows progress live; the run hands
  // results over one at a time and never after wait() has returned.
  std::vector<bool> streamed(p.targets.size(), false);
  if (p.format == report::format::ndjson) {
    p.run.on_result = [&](std::size_t index, const core::probe_result& r) {
      streamed[index] = true;  // handled: written now, or left out by --only-failed
      if (!report::shows(report::render_options{options.only_failed, options.quiet, {}}, r)) return;
      report::write_ndjson_result(sink, p.targets[index], r);
      sink.flush();
    };
  }
  // JSON rows are rendered as their checks finish, on the loop that ran them, while the cores
  // have time: at the deadline only the rows of the checks it cut short are left to render
  // (at 10,000 targets, rendering them all then cost ~10 ms past the deadline).
  std::vector<std::string> rendered;
  if (p.format == report::format::json) {
    rendered.resize(p.targets.size());
    p.run.on_result = [&](std::size_t index, const core::probe_result& r) {
      if (report::shows(report::render_options{options.only_failed, options.quiet, {}}, r)) {
        rendered[index] = report::result_json(p.targets[index], r);
      }
    };
  }
  const unsigned threads = p.threads != 0 ? p.threads : engine::automatic_threads(p.targets.size());
  engine::loop_pool pool(threads, p.run.dns_servers);
  engine::fleet_run run(pool, p.targets, *tls, p.run);
  std::atomic<int> signalled{0};
  // The first SIGINT/SIGTERM cancels the run (a report of what finished is still written); a
  // second one ends the process at once.
  std::optional<engine::loop_pool::signal_watch> watch;
  watch.emplace(pool.watch_signals([&](int signal, int count) {
    if (count > 1) _exit(128 + signal);
    signalled = signal;
    run.cancel();
  }));
  pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
  if (show_progress(options)) draw_progress(run, p.run, err);
  const auto result = run.wait();
  // Nothing in flight matters once the results are taken: stop the loops before the report is
  // built, so that checks timing out at the deadline do not compete with it for the cores (at
  // 10,000 targets they would). The loops first: taking the signal watch down on a running loop
  // would wait behind every check that timed out at the deadline. From here a signal has its
  // default effect and ends the process.
  pool.stop();
  watch.reset();

  try {
    write_report(sink, p, result, streamed, rendered, options, out);
    sink.flush();
    if (!sink) throw std::runtime_error("write failed");
    std::string why;
    if (file && !file->commit(why)) throw std::runtime_error(why);
  } catch (const std::exception& e) {
    err << fmt::format("fleetcheck: cannot write the report{}: {}\n",
                       file ? " to " + options.output_file : std::string(), e.what());
    return internal_error;
  }
  int code = report::exit_code(result.results);
  if (signalled.load() != 0) {
    err << "fleetcheck: interrupted; unfinished checks are reported as 'deadline'\n";
    code = 128 + signalled;
  }
  if (options.exit_when_written) {
    out.flush();
    err.flush();
    std::fflush(nullptr);
    std::_Exit(code);
  }
  return code;
}

}  // namespace fleetcheck::cli
