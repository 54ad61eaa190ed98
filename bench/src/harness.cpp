#include "fleetcheck/bench/harness.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "count_text.hpp"
#include "fleetcheck/bench/child_process.hpp"
#include "fleetcheck/bench/client.hpp"
#include "fleetcheck/bench/mock_process.hpp"
#include "fleetcheck/bench/plot.hpp"
#include "fleetcheck/bench/results.hpp"
#include "machine.hpp"
#include "peers.hpp"

namespace fleetcheck::bench {
namespace {

namespace fs = std::filesystem;

/// The programs a suite needs, found before anything starts.
struct programs {
  fs::path mock, client;
  fs::path go_peer;  ///< may be missing: go-nethttp is then skipped, not the suite
  fs::path floor;    ///< may be missing too: floor is then skipped
};

programs locate_programs(const bench_options& o) {
  std::error_code ec;
  const auto self = fs::read_symlink("/proc/self/exe", ec);
  const auto here = ec ? fs::path(".") : self.parent_path();
  programs p{o.mock_program.empty() ? here / "fleetcheck-mock" : o.mock_program,
             o.client_program.empty() ? here / "fleetcheck-bench-client" : o.client_program,
             o.go_peer.empty() ? here / go_peer_program : o.go_peer, here / floor_program};
  for (const auto& [path, target] :
       {std::pair{p.mock, "fleetcheck-mock"}, std::pair{p.client, "fleetcheck-bench-client"}}) {
    if (::access(path.c_str(), X_OK) != 0) {
      throw harness_error(fmt::format(
          "cannot find {} (looked for {}): build it with cmake --build <build dir> --target {}",
          target, path.string(), target));
    }
  }
  return p;
}

/// Turns how a child ended into a run record.
run_record record_run(const strategy& s, std::size_t n, int rep, const process_outcome& outcome,
                      std::chrono::nanoseconds limit) {
  run_record r;
  r.strategy = s.name;
  r.n = n;
  r.rep = rep;
  r.usage = outcome.usage;
  auto last_words = outcome.err_tail;
  while (!last_words.empty() && (last_words.back() == '\n' || last_words.back() == ' ')) {
    last_words.pop_back();
  }
  if (const auto nl = last_words.rfind('\n'); nl != std::string::npos) {
    last_words.erase(0, nl + 1);
  }
  switch (outcome.kind) {
    case exit_kind::interrupted:
      r.status = run_status::interrupted;
      r.detail = "interrupted";
      return r;
    case exit_kind::timed_out:
      r.status = run_status::overran;
      r.detail =
          fmt::format("killed after {}",
                      core::format_duration(std::chrono::duration_cast<core::duration>(limit)));
      return r;
    case exit_kind::signalled:
      r.status = run_status::crashed;
      r.detail = signal_name(outcome.code);
      return r;
    case exit_kind::exited:
      break;
  }
  if (outcome.code != 0) {
    r.status = run_status::failed;
    r.detail = fmt::format("exit {}{}{}", outcome.code, last_words.empty() ? "" : ": ", last_words);
    return r;
  }
  const auto result = parse_client_output(outcome.out);
  if (!result) {
    r.status = run_status::no_result;
    r.detail = "exited 0 without a result line";
    return r;
  }
  r.ok = result->ok;
  r.failed = result->failed;
  r.inner_seconds = result->elapsed_seconds;
  r.detail = result->first_error;
  if (result->ok + result->failed != n) {
    r.status = run_status::no_result;
    r.detail = fmt::format("reported {} results for {} targets", result->ok + result->failed, n);
  }
  return r;
}

std::string progress_line(const run_record& r, int reps) {
  const auto& u = r.usage;
  std::string line =
      fmt::format("  N={:<7} {:<15} run {}/{}  {:>8.3f} s wall {:>7.3f} s CPU {:>7.1f} MiB",
                  count_text(r.n), r.strategy, r.rep, reps, u.wall_seconds, u.cpu_seconds(),
                  static_cast<double>(u.max_rss_kib) / 1024);
  if (r.status == run_status::ok) {
    line += fmt::format("  ok {}/{}", count_text(r.ok), count_text(r.n));
    if (r.failed > 0) line += fmt::format("  first failure: {}", r.detail);
  } else {
    line += fmt::format("  {}: {}", to_string(r.status), r.detail);
  }
  return line;
}

/// The base for predicting the next N: the median wall of the runs that ended ok.
earlier_result earlier_from(const cell& c) {
  earlier_result e;
  e.n = c.n;
  const auto s = summarize(c);
  e.completed = s.good > 0;
  e.wall_seconds = s.wall_median;
  if (!e.completed) {
    e.problem = c.runs.empty() ? "no run" : std::string(to_string(c.runs.front().status));
    if (!c.runs.empty() && !c.runs.front().detail.empty()) {
      e.problem += ": " + c.runs.front().detail;
    }
  }
  return e;
}

class suite {
 public:
  suite(const bench_options& options, std::ostream& out, std::ostream& err)
      : options_(options), out_(out), err_(err) {}

  int run() {
    const auto started = local_timestamp(false);
    dir_ = options_.out_dir.empty() ? fs::path("bench/results") / local_timestamp(true)
                                    : options_.out_dir;
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || ::access(dir_.c_str(), W_OK) != 0) {
      throw harness_error(fmt::format("cannot write to {}: {}", dir_.string(),
                                      ec ? ec.message() : "permission denied"));
    }
    const auto progs = locate_programs(options_);
    install_interrupt_handler();
    describe(started);
    probe_peer_tools(progs);

    out_ << fmt::format("fleetcheck bench: results go to {}\n", dir_.string());
    {
      mock_process mock(mock_settings{progs.mock, options_.base_port, options_.services,
                                      options_.plan.latency, dir_ / "mock.log",
                                      options_.ready_timeout});
      out_ << mock.ready_line() << '\n';
      report_.context.notes.push_back(
          fmt::format("Mock fleet: {} (its CPU per run is mock_cpu_seconds in results.csv).",
                      mock.ready_line().substr(mock.ready_line().find(':') + 2)));
      measure_all(mock, progs);
    }
    report_.context.notes.push_back(fmt::format(
        "Other processes used {:.1f} CPU-seconds (user) during the {:.0f} s of the runs kept "
        "({:.1f}% of the machine; per run: other_cpu_seconds in results.csv). Near 0 means a "
        "quiet machine.",
        other_cpu_total_, measured_wall_total_,
        measured_wall_total_ > 0
            ? 100 * other_cpu_total_ /
                  (measured_wall_total_ * std::max(1u, std::thread::hardware_concurrency()))
            : 0.0));
    if (disturbed_retried_ > 0 || disturbed_kept_ > 0) {
      report_.context.notes.push_back(fmt::format(
          "{} run{} measured again because other processes used the CPU at the same time; {} "
          "stayed disturbed after the retries (marked in the notes column).",
          disturbed_retried_, disturbed_retried_ == 1 ? " was" : "s were", disturbed_kept_));
    }
    if (!interrupted_ && !mock_lost_ && options_.plots) draw_plots();
    write_files();
    out_ << '\n' << render_markdown_table(report_) << '\n';
    for (const auto& note : report_.context.notes) out_ << "note: " << note << '\n';
    out_ << fmt::format("\nwrote {}/results.md, results.csv, results.json{}\n", dir_.string(),
                        plots_drawn_ ? ", wall.png, cpu.png" : "");
    if (interrupted_) return 130;
    if (mock_lost_) return 3;
    return all_healthy() ? 0 : 1;
  }

 private:
  void describe(const std::string& started) {
    auto& ctx = report_.context;
    ctx.started_at = started;
    ctx.machine = describe_machine();
    ctx.settings = {
        fmt::format("latency {}", core::format_duration(options_.plan.latency)),
        fmt::format("{} services (ports)", options_.services),
        fmt::format("timeout {}", core::format_duration(options_.timeout)),
        fmt::format("up to {} runs per cell", options_.plan.reps),
        fmt::format("--max-run {}", core::format_duration(options_.plan.max_run)),
        fmt::format("in-flight cap {}", count_text(in_flight_cap)),
    };
    ctx.notes.push_back(
        "Each run is its own process, measured from outside: wall from fork to wait4, so process "
        "start-up is included (for Python: the interpreter and its imports); CPU, peak RSS and "
        "context switches from wait4's rusage.");
    ctx.notes.push_back(
        "All strategies send the same request (HTTP/1.1, Connection: close: one connection per "
        "check) to N targets spread over the services' ports; the mock fleet runs on the same "
        "cores.");
    // A busy machine makes every number slower and noisier: say so up front, and in the report.
    double load = 0;
    std::ifstream("/proc/loadavg") >> load;
    const auto cores = std::max(1u, std::thread::hardware_concurrency());
    if (load > 0.5 * cores) {
      const auto warning = fmt::format(
          "The machine was busy when the suite started (load average {:.1f} on {} cores): "
          "expect slower, noisier numbers; other_cpu_seconds in results.csv shows how much.",
          load, cores);
      err_ << "fleetcheck bench: warning: " << warning << '\n';
      ctx.notes.push_back(warning);
    }
    // A forked child's peak RSS counts the harness pages it inherited until exec: show that floor.
    try {
      const auto baseline = run_measured({"/bin/true"}, std::chrono::seconds(5));
      ctx.notes.push_back(fmt::format(
          "Peak RSS of /bin/true started the same way: {:.1f} MiB (the floor of that column).",
          static_cast<double>(baseline.usage.max_rss_kib) / 1024));
    } catch (const std::exception&) {
      // Not worth failing a suite over.
    }
  }

  void probe_peer_tools(const programs& progs) {
    const bool any_peer = std::any_of(options_.strategies.begin(), options_.strategies.end(),
                                      [](const strategy& s) { return s.is_peer(); });
    if (!any_peer) return;
    peers_ = probe_peers(peer_settings{options_.python, options_.peers_dir, progs.go_peer,
                                       options_.curl, progs.floor},
                         options_.strategies);
    for (const auto& v : peers_.versions) report_.context.notes.push_back(v + ".");
  }

  void measure_all(mock_process& mock, const programs& progs) {
    auto sizes = options_.sizes;
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    std::map<std::string, earlier_result> earlier;
    for (const auto n : sizes) {
      out_ << fmt::format("\nN = {}\n", count_text(n));
      // Plan every strategy at this N, then interleave their repetitions (run 1 of each, then run
      // 2 of each...), so that a slow drift of the machine does not land on one strategy.
      const auto first_cell = report_.cells.size();
      std::vector<cell_plan> plans;
      int max_reps = 0;
      for (const auto& s : options_.strategies) {
        const auto found = earlier.find(s.name);
        auto plan = plan_cell(
            s, n, options_.plan,
            found == earlier.end() ? std::nullopt : std::optional<earlier_result>(found->second));
        if (plan.skip.empty()) plan.skip = peers_.unavailable(s);
        cell c{s.name, n, plan.skip, plan.skip.empty() ? plan.reps : 0, {}};
        if (!plan.skip.empty())
          out_ << fmt::format("  N={:<7} {:<15} skipped: {}\n", count_text(n), s.name, plan.skip);
        max_reps = std::max(max_reps, c.planned_reps);
        report_.cells.push_back(std::move(c));
        plans.push_back(std::move(plan));
      }
      for (int rep = 1; rep <= max_reps; ++rep) {
        for (std::size_t i = 0; i < options_.strategies.size(); ++i) {
          auto& c = report_.cells[first_cell + i];
          if (rep > c.planned_reps) continue;
          std::string why;
          if (!mock.alive(why)) {
            err_ << "fleetcheck bench: " << why << "; stopping\n";
            report_.context.notes.push_back(fmt::format("The suite stopped early: {}.", why));
            mock_lost_ = true;
            return;
          }
          auto record = measure_undisturbed(options_.strategies[i], n, rep, plans[i], mock, progs,
                                            c.planned_reps);
          out_ << progress_line(record, c.planned_reps) << '\n' << std::flush;
          const bool stop = record.status == run_status::interrupted;
          other_cpu_total_ += std::max(0.0, record.other_cpu_seconds);
          measured_wall_total_ += record.usage.wall_seconds;
          c.runs.push_back(std::move(record));
          if (stop) {
            interrupted_ = true;
            report_.context.notes.push_back("Interrupted: the suite stopped early.");
            return;
          }
          settle(n);
        }
      }
      for (std::size_t i = 0; i < options_.strategies.size(); ++i) {
        const auto& c = report_.cells[first_cell + i];
        if (c.skipped.empty()) earlier[c.strategy] = earlier_from(c);
      }
      write_files();  // an interrupted or failed suite keeps every N it finished
    }
  }

  run_record measure(const strategy& s, std::size_t n, int rep, const cell_plan& plan,
                     mock_process& mock, const programs& progs) {
    std::vector<std::string> argv;
    if (s.is_peer()) {
      argv = peers_.command(s);
    } else {
      argv = {progs.client.string()};
    }
    const std::vector<std::string> common = {
        "--strategy",  s.name,
        "--host",      "127.0.0.1",
        "--base-port", std::to_string(mock.base_port()),
        "--services",  std::to_string(options_.services),
        "--count",     std::to_string(n),
        "--timeout",   core::format_duration(options_.timeout),
        "--deadline",  core::format_duration(plan.client_deadline)};
    argv.insert(argv.end(), common.begin(), common.end());
    const auto mock_before = mock.cpu();
    const auto machine_before = machine_cpu_seconds();
    process_outcome outcome;
    try {
      outcome = run_measured(argv, plan.limit);
    } catch (const std::runtime_error& e) {
      run_record r;
      r.strategy = s.name;
      r.n = n;
      r.rep = rep;
      r.status = run_status::failed;
      r.detail = e.what();
      return r;
    }
    auto record = record_run(s, n, rep, outcome, plan.limit);
    const auto mock_after = mock.cpu();
    record.mock_cpu_seconds = mock_after.total() - mock_before.total();
    // Only user time counts against others: kernel work our runs cause in kernel threads
    // (ksoftirqd finishing loopback packets, kworkers) is system time that belongs to no process.
    record.other_cpu_seconds = machine_cpu_seconds().user - machine_before.user -
                               record.usage.user_seconds - (mock_after.user - mock_before.user);
    return record;
  }

  /// Measures a run again (at most --retries times, after waiting for the machine to calm down)
  /// when other processes took a noticeable share of the CPU meanwhile: on a shared machine a
  /// compiler starting mid-run would otherwise land in the table. A run still disturbed is kept and
  /// marked. The retries share one time budget, so that a machine that stays busy costs minutes,
  /// not hours.
  run_record measure_undisturbed(const strategy& s, std::size_t n, int rep, const cell_plan& plan,
                                 mock_process& mock, const programs& progs, int reps) {
    using clock = std::chrono::steady_clock;
    for (int attempt = 0;; ++attempt) {
      auto record = measure(s, n, rep, plan, mock, progs);
      // Only a run that worked is worth repeating: an overrun would cost its whole bound again.
      if (record.status != run_status::ok || !disturbed(record)) return record;
      if (attempt >= options_.retries || retry_budget_.count() <= 0) {
        record.disturbed = true;
        ++disturbed_kept_;
        return record;
      }
      ++disturbed_retried_;
      out_ << progress_line(record, reps)
           << fmt::format("  (other processes used {:.2f} CPU-s meanwhile: measuring again)\n",
                          record.other_cpu_seconds)
           << std::flush;
      const auto started = clock::now();
      wait_for_quiet(std::min(std::chrono::seconds(60), retry_budget_));
      retry_budget_ -= std::chrono::duration_cast<std::chrono::seconds>(clock::now() - started) +
                       std::chrono::seconds(static_cast<long>(record.usage.wall_seconds) + 1);
    }
  }

  /// Whether other processes took more than 5% of the machine (and 0.1 CPU-s: /proc/stat counts in
  /// 10 ms ticks) during the run.
  static bool disturbed(const run_record& r) {
    const auto cores = std::max(1u, std::thread::hardware_concurrency());
    return r.other_cpu_seconds > std::max(0.1, 0.05 * r.usage.wall_seconds * cores);
  }

  /// Waits, at most `limit`, for a second in which the machine is nearly idle (the mock is idle
  /// between runs, so what is busy is someone else).
  static void wait_for_quiet(std::chrono::seconds limit) {
    const auto cores = std::max(1u, std::thread::hardware_concurrency());
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < give_up && !interrupted()) {
      const auto before = machine_cpu_seconds().busy;
      std::this_thread::sleep_for(std::chrono::seconds(1));
      if (machine_cpu_seconds().busy - before < 0.05 * cores) return;
    }
  }

  /// Lets the mock and the kernel finish closing the last run's connections before the next one.
  static void settle(std::size_t n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100) + std::chrono::microseconds(5 * n));
  }

  void draw_plots() {
    plot_request request;
    request.dir = dir_;
    request.latency_seconds = core::to_seconds(options_.plan.latency);
    request.subtitle = fmt::format(
        "{} per check, {} services; {}", core::format_duration(options_.plan.latency),
        options_.services, report_.context.machine.substr(0, report_.context.machine.find(" RAM")));
    const auto result = render_plots(report_, request);
    plots_drawn_ = result.images.size() == 2;
    if (!result.note.empty()) {
      err_ << "fleetcheck bench: " << result.note << '\n';
      report_.context.notes.push_back("Plots: " + result.note);
    }
  }

  void write_files() {
    const auto write = [&](const char* name, auto&& body) {
      std::ofstream file(dir_ / name, std::ios::trunc);
      body(file);
      if (!file.flush())
        err_ << fmt::format("fleetcheck bench: cannot write {}\n", (dir_ / name).string());
    };
    write("results.md", [&](std::ostream& o) { o << render_markdown(report_); });
    write("results.csv", [&](std::ostream& o) { write_csv(o, report_); });
    write("results.json", [&](std::ostream& o) { write_json(o, report_); });
  }

  bool all_healthy() const {
    for (const auto& c : report_.cells) {
      for (const auto& r : c.runs) {
        if (r.status != run_status::ok || r.ok != r.n) return false;
      }
    }
    return true;
  }

  const bench_options& options_;
  std::ostream& out_;
  std::ostream& err_;
  fs::path dir_;
  peer_runtime peers_;
  bench_report report_;
  bool interrupted_ = false;
  bool mock_lost_ = false;
  bool plots_drawn_ = false;
  std::chrono::seconds retry_budget_{options_.retry_budget};  // waiting, measuring again
  int disturbed_retried_ = 0;       // runs measured again because of other processes
  int disturbed_kept_ = 0;          // runs still disturbed after the retries
  double other_cpu_total_ = 0;      // CPU other processes took during our runs
  double measured_wall_total_ = 0;  // the wall time of our runs
};

}  // namespace

int run_bench(const bench_options& options, std::ostream& out, std::ostream& err) {
  try {
    suite s(options, out, err);
    return s.run();
  } catch (const harness_error& e) {
    err << "fleetcheck bench: " << e.what() << '\n';
    return 3;
  }
}

}  // namespace fleetcheck::bench
