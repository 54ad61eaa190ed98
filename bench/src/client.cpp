#include "fleetcheck/bench/client.hpp"

#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "blocking_drivers.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/engine/fleet_run.hpp"

namespace fleetcheck::bench {

using clock = std::chrono::steady_clock;

std::vector<core::target> make_targets(const client_options& o) {
  if (o.services == 0) throw std::invalid_argument("--services must be at least 1");
  if (o.base_port == 0 || o.base_port + o.services - 1 > 65535) {
    throw std::invalid_argument(
        fmt::format("{} services from port {} do not fit in 1-65535", o.services, o.base_port));
  }
  core::check_settings settings;
  settings.timeout = o.timeout;
  const bool ipv6 = o.host.find(':') != std::string::npos;
  std::vector<core::target> services;
  services.reserve(o.services);
  for (std::size_t i = 0; i < o.services; ++i) {
    auto t = config::target_from_url(
        fmt::format("http://{}:{}/health", ipv6 ? "[" + o.host + "]" : o.host, o.base_port + i),
        settings);
    if (!t) throw std::invalid_argument(t.error());
    services.push_back(std::move(*t));
  }
  std::vector<core::target> targets;
  targets.reserve(o.count);
  for (std::size_t i = 0; i < o.count; ++i) targets.push_back(services[i % o.services]);
  return targets;
}

client_result run_client(const client_options& o) {
  if (o.how.is_peer()) {
    throw std::invalid_argument(fmt::format(
        "strategy '{}' is a peer: fleetcheck-bench runs it from bench/peers/", o.how.name));
  }
  const auto targets = make_targets(o);
  const auto start = clock::now();
  const auto deadline = start + o.deadline;
  tally t;
  switch (o.how.kind) {
    case strategy_kind::sequential:
      t = run_sequential(targets, deadline);
      break;
    case strategy_kind::threads:
      t = run_thread_pool(targets, o.how.concurrency(targets.size()), deadline);
      break;
    case strategy_kind::event_loop:
    case strategy_kind::event_loop_mt: {
      engine::run_options run;
      run.start = start;
      run.deadline = o.deadline;
      run.concurrency = in_flight_cap;
      const unsigned threads = o.how.kind == strategy_kind::event_loop
                                   ? 1
                                   : std::max(1u, std::thread::hardware_concurrency());
      const auto report = engine::run_fleet(targets, run, threads);
      for (const auto& r : report.results) t.add(r);
      break;
    }
    default:
      break;
  }
  client_result result;
  result.elapsed_seconds = std::chrono::duration<double>(clock::now() - start).count();
  result.strategy = o.how.name;
  result.n = targets.size();
  result.ok = t.ok;
  result.failed = t.failed;
  result.first_error = std::move(t.first_error);
  return result;
}

std::string to_json_line(const client_result& r) {
  nlohmann::ordered_json j = {{"strategy", r.strategy},
                              {"n", r.n},
                              {"ok", r.ok},
                              {"failed", r.failed},
                              {"elapsed_seconds", r.elapsed_seconds}};
  if (!r.first_error.empty()) j["first_error"] = r.first_error;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::optional<client_result> parse_client_output(std::string_view output) {
  // The result is the last line; anything before it (a warning, say) is not ours to judge.
  while (!output.empty()) {
    while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) {
      output.remove_suffix(1);
    }
    const auto start = output.rfind('\n');
    const auto line = start == std::string_view::npos ? output : output.substr(start + 1);
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("ok") && j.contains("failed") && j["ok"].is_number_unsigned() &&
        j["failed"].is_number_unsigned()) {
      client_result r;
      r.strategy = j.value("strategy", "");
      r.n = j.value("n", std::size_t{0});
      r.ok = j["ok"].get<std::size_t>();
      r.failed = j["failed"].get<std::size_t>();
      r.elapsed_seconds = j.value("elapsed_seconds", 0.0);
      r.first_error = j.value("first_error", "");
      return r;
    }
    if (start == std::string_view::npos) break;
    output = output.substr(0, start);
  }
  return std::nullopt;
}

}  // namespace fleetcheck::bench
