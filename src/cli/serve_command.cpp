#include "fleetcheck/cli/serve_command.hpp"

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include "cli/check_plan.hpp"
#include "fleetcheck/cli/exit_codes.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/process_limits.hpp"
#include "serve/daemon.hpp"
#include "serve/http_server.hpp"
#include "serve/open_store.hpp"

namespace fleetcheck::cli {
namespace {

namespace asio = boost::asio;

serve::log_format parse_log_format(const std::string& text) {
  if (text == "json") return serve::log_format::json;
  if (text == "text") return serve::log_format::text;
  throw core::config_error(fmt::format("--log-format {}: use json or text", text));
}

/// serve's page as alerts link to it, from --listen: a wildcard address ("", 0.0.0.0, [::]) is
/// no address a receiver can follow, so the machine's name stands in for it.
std::string page_url(std::string host, unsigned short port) {
  if (host.empty() || host == "0.0.0.0" || host == "[::]") {
    char name[256] = {};
    host = ::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0' ? name : "localhost";
  }
  return fmt::format("http://{}:{}/", host, port);
}

}  // namespace

void add_serve_flags(CLI::App& c, serve_options& o) {
  add_target_flags(c, o.targets);
  // A daemon has no run deadline: each /api/v1/check call says its own (?deadline=). Accepting
  // the flag and ignoring it would be a silent surprise; without it, it is an unknown flag.
  c.remove_option(c.get_option("--deadline"));
  const auto single = [&](const std::string& name, std::string& into, const std::string& help) {
    c.add_option(name, into, help)->expected(1)->allow_extra_args(false);
  };
  single("--listen", o.listen, "Address of the HTTP API and /metrics (default 127.0.0.1:9470)");
  single("--data-dir", o.data_dir,
         "Directory of the history database (default ./fleetcheck-data; '' = memory only)");
  single("--retention", o.retention, "History kept, by age (default 7d)");
  single("--shard", o.shard, "i/n: check only the targets whose name hashes to shard i of n");
  single("--log-format", o.log_format, "json (one object per line, the default) | text");
  single("--external-url", o.external_url,
         "serve's URL as alert receivers should link to it (default http://<--listen>/)");
  c.add_option("--threads", o.targets.threads, "Event-loop threads (0 = one per core)")
      ->expected(1)
      ->allow_extra_args(false);
}

int run_serve(const serve_options& o, std::ostream& err) {
  // Held from the start, taken by the signal_set below: none may kill the process meanwhile.
  sigset_t signals;
  sigemptyset(&signals);
  for (const int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  core::limit_malloc_arenas();  // before the loops, the writer and the API thread start

  std::optional<serve::logger> log;
  std::unique_ptr<serve::history_store> store;
  std::unique_ptr<serve::daemon> daemon;
  asio::io_context api_context(1);
  std::unique_ptr<serve::http_server> server;
  try {
    log.emplace(err, parse_log_format(o.log_format));
    serve::daemon_options options;
    if (!o.shard.empty()) {
      auto shard = serve::parse_shard(o.shard);
      if (!shard) throw core::config_error(fmt::format("--shard {}: {}", o.shard, shard.error()));
      options.shard = *shard;
    }
    options.retention = std::chrono::duration_cast<std::chrono::seconds>(
        core::parse_duration_flag("--retention", o.retention));
    auto loader = [o] {
      auto plan = make_check_plan(o.targets);
      return serve::loaded_fleet{std::move(plan.targets), plan.run.concurrency,
                                 std::move(plan.notices), std::move(plan.alerting)};
    };
    auto first = make_check_plan(o.targets);  // fails here, before anything starts
    options.threads =
        first.threads != 0 ? first.threads : engine::automatic_threads(first.targets.size());
    // Bound before anything starts, so that a port in use is the one line of a bad input; no
    // request is read before api_context runs, by when the daemon exists.
    server = std::make_unique<serve::http_server>(
        api_context, o.listen,
        [&daemon, &l = *log](const serve::api_request& r) { return serve::answer(*daemon, l, r); });
    options.generator_url = !o.external_url.empty()
                                ? o.external_url
                                : page_url(o.listen.substr(0, o.listen.rfind(':')), server->port());
    std::string note;
    store = serve::open_history_store(o.data_dir, note);
    options.store = store.get();
    core::raise_open_file_limit();
    daemon = std::make_unique<serve::daemon>(loader, options, *log);
    if (!note.empty()) log->warn(note);
  } catch (const core::config_error& e) {
    err << "fleetcheck: " << e.what() << '\n';
    return bad_input;
  }
  const auto scheduled = daemon->current()->fleet->targets().size();
  log->info(
      "serving",
      {{"listen", fmt::format("{}:{}", o.listen.substr(0, o.listen.rfind(':')), server->port())},
       {"targets", std::to_string(scheduled)},
       {"shard", o.shard.empty() ? "0/1" : o.shard}});

  int exit_signal = 0;
  asio::signal_set watched(api_context, SIGINT, SIGTERM, SIGHUP);
  std::function<void()> arm = [&] {
    watched.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        log->info("reload asked", {{"by", "SIGHUP"}});
        // Off the API's thread: a reload stops the old scheduler, which may take a moment.
        std::thread([&] { daemon->reload(); }).detach();
        arm();
        return;
      }
      exit_signal = signal;
      log->info("stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
      server->stop();
      api_context.stop();
    });
  };
  arm();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  api_context.run();
  // Drain: no new checks, the ones in flight cancelled, queued history written. Everything else
  // (connections, threads) goes with the process, so that exit takes milliseconds, not a
  // /api/v1/check's deadline.
  daemon->stop();
  log->info("stopped");
  err.flush();
  std::cout.flush();
  ::_exit(exit_signal == SIGINT || exit_signal == SIGTERM ? all_healthy : internal_error);
}

}  // namespace fleetcheck::cli
