#include "fleetcheck/cli/check_command.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "fleetcheck/cli/exit_codes.hpp"
#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/process_limits.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "fleetcheck/report/report.hpp"

namespace fleetcheck::cli {
namespace {

using core::config_error;

config::target_defaults defaults_from_flags(const check_options& o) {
  config::target_defaults d;
  if (o.timeout) d.timeout = core::parse_duration_flag("--timeout", *o.timeout);
  if (o.max_body) {
    try {
      d.max_body_bytes = config::parse_size(*o.max_body);
    } catch (const std::invalid_argument& e) {
      throw config_error(fmt::format("--max-body: {}", e.what()));
    }
  }
  if (o.method) {
    d.request.method = *o.method;
    for (auto& c : d.request.method)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (d.request.method.empty() ||
        d.request.method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
      throw config_error(fmt::format("--method: invalid method '{}'", *o.method));
    }
  }
  for (const auto& h : o.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0 || h.find_first_of("\r\n") != std::string::npos) {
      throw config_error(fmt::format("--header '{}': expected 'Name: value'", h));
    }
    auto value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    if (config::is_secret_name(h.substr(0, colon))) config::add_secret(d.secrets, value);
    config::set_header(d.request, h.substr(0, colon), value);
  }
  if (!o.ca_file.empty()) {
    if (!std::ifstream(o.ca_file)) {
      throw config_error(
          fmt::format("--ca-file {}: cannot read: {}", o.ca_file, std::strerror(errno)));
    }
    d.tls.ca_file = o.ca_file;
  }
  d.tls.insecure_skip_verify = o.insecure;
  if (o.retries) {
    if (*o.retries < 0 || *o.retries > 10) throw config_error("--retries must be from 0 to 10");
    d.retries = *o.retries;
  }
  if (o.follow_redirects) {
    if (*o.follow_redirects < 0 || *o.follow_redirects > 20) {
      throw config_error("--follow-redirects must be from 0 to 20");
    }
    d.follow_redirects = *o.follow_redirects;
  }
  for (const auto& text : o.conditions) {
    try {
      d.conditions.push_back(conditions::condition::parse(text));
    } catch (const conditions::condition_error& e) {
      throw config_error(fmt::format("--condition: {}", e.what()));
    }
  }
  for (const auto& item : o.expect_status) {
    try {
      d.expect_status.add(item);
    } catch (const std::invalid_argument& e) {
      throw config_error(fmt::format("--expect-status: {}", e.what()));
    }
  }
  return d;
}

struct plan {
  std::vector<core::target> targets;
  engine::run_options run;
  report::format format = report::format::table;
};

plan make_plan(const check_options& o) {
  plan p;
  try {
    p.format = report::parse_format(o.format);
  } catch (const std::invalid_argument& e) {
    throw config_error(fmt::format("--format: {}", e.what()));
  }
  const auto defaults = defaults_from_flags(o);
  p.run.start = o.start;
  if (!o.config_file.empty()) {
    auto file = config::load_config_file(o.config_file, defaults);
    p.targets = std::move(file.targets);
    if (file.deadline) p.run.deadline = *file.deadline;
    if (file.concurrency) p.run.concurrency = *file.concurrency;
  }
  if (!o.targets_file.empty()) {
    std::vector<core::target> listed;
    if (o.targets_file == "-") {
      listed = config::parse_url_list(std::cin, "<stdin>", defaults);
    } else {
      std::ifstream in(o.targets_file);
      if (!in) {
        throw config_error(
            fmt::format("{}: cannot read targets file: {}", o.targets_file, std::strerror(errno)));
      }
      listed = config::parse_url_list(in, o.targets_file, defaults);
    }
    std::move(listed.begin(), listed.end(), std::back_inserter(p.targets));
  }
  for (std::size_t i = 0; i < o.urls.size(); ++i) {
    try {
      p.targets.push_back(config::target_from_url(o.urls[i], defaults));
    } catch (const std::invalid_argument& e) {
      throw config_error(fmt::format("argument {}: {}", i + 1, e.what()));
    }
    p.targets.back().origin = fmt::format("argument {}", i + 1);
  }
  if (p.targets.empty()) {
    throw config_error(
        "no targets: give URLs as arguments, a config file with -c, or --targets-file");
  }
  config::check_unique_names(p.targets);
  if (o.deadline) p.run.deadline = core::parse_duration_flag("--deadline", *o.deadline);
  if (o.concurrency) {
    if (*o.concurrency == 0) throw config_error("--concurrency must be at least 1");
    p.run.concurrency = *o.concurrency;
  }
  p.run.threads = o.threads;
  return p;
}

}  // namespace

int run_check(const check_options& options, std::ostream& out, std::ostream& err) {
  plan p;
  try {
    p = make_plan(options);
  } catch (const config_error& e) {
    err << "fleetcheck: " << e.what() << '\n';
    return bad_input;
  }

  // Open the output before checking anything: a typo in -o should not cost a whole run.
  std::ofstream file;
  if (!options.output_file.empty()) {
    file.open(options.output_file, std::ios::trunc);
    if (!file) {
      err << fmt::format("fleetcheck: -o {}: cannot write: {}\n", options.output_file,
                         std::strerror(errno));
      return bad_input;
    }
  }
  std::ostream& sink = options.output_file.empty() ? out : file;

  core::raise_open_file_limit();
  // Block SIGINT/SIGTERM before the run's threads start, so that they inherit the mask and only
  // the watcher below sees them: the first one cancels the run (a report of what finished is
  // still written), a second one ends the process at once.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
  std::unique_ptr<engine::fleet_run> run;
  try {
    run = std::make_unique<engine::fleet_run>(p.targets, p.run);
  } catch (const config_error& e) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    err << "fleetcheck: " << e.what() << '\n';
    return bad_input;
  }
  std::atomic<bool> finished{false};
  std::atomic<int> received{0};
  std::thread watcher([&] {
    const timespec tick{0, 20'000'000};
    while (!finished.load()) {
      const int signal = sigtimedwait(&stop_signals, nullptr, &tick);
      if (signal <= 0) continue;
      if (received.exchange(signal) != 0) _exit(128 + signal);
      run->cancel();
    }
  });
  const auto result = run->wait();
  finished = true;
  watcher.join();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  const report::fleet_view view{p.targets, result};
  switch (p.format) {
    case report::format::table: {
      const bool colour = options.output_file.empty() && !options.no_colour &&
                          std::getenv("NO_COLOR") == nullptr && &out == &std::cout &&
                          ::isatty(STDOUT_FILENO) == 1;
      report::render_table(sink, view, report::table_options{colour});
      break;
    }
    case report::format::json:
      report::render_json(sink, view);
      break;
    case report::format::ndjson:
      report::render_ndjson(sink, view);
      break;
    case report::format::prometheus:
      report::render_prometheus(sink, view);
      break;
  }
  sink.flush();
  if (!sink) {
    err << "fleetcheck: cannot write the report\n";
    return internal_error;
  }
  if (received.load() != 0) {
    err << "fleetcheck: interrupted; unfinished checks are reported as 'deadline'\n";
    return 128 + received.load();
  }
  return report::exit_code(result);
}

}  // namespace fleetcheck::cli
