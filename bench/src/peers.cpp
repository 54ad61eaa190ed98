#include "peers.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/bench/child_process.hpp"
#include "fleetcheck/bench/plot.hpp"

#ifndef FLEETCHECK_BENCH_PEERS_DIR
#define FLEETCHECK_BENCH_PEERS_DIR "bench/peers"
#endif

namespace fleetcheck::bench {
namespace {

namespace fs = std::filesystem;

bool wanted(const std::vector<strategy>& strategies, std::initializer_list<strategy_kind> kinds) {
  return std::any_of(strategies.begin(), strategies.end(), [&](const strategy& s) {
    return std::find(kinds.begin(), kinds.end(), s.kind) != kinds.end();
  });
}

/// The first line `argv` prints to stdout when it exits 0; else false, with why.
bool first_line(const std::vector<std::string>& argv, std::string& line, std::string& why) {
  process_outcome outcome;
  try {
    outcome = run_measured(argv, std::chrono::seconds(30));
  } catch (const std::exception& e) {
    why = e.what();
    return false;
  }
  if (outcome.kind != exit_kind::exited || outcome.code != 0) {
    auto tail = outcome.err_tail;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
    why = fmt::format("{} did not run{}{}", argv.front(), tail.empty() ? "" : ": ", tail);
    return false;
  }
  line = outcome.out.substr(0, outcome.out.find('\n'));
  return true;
}

void probe_python(peer_runtime& p) {
  const auto& python = p.python;
  if (::access(python.c_str(), X_OK) != 0) {
    p.no_python = fmt::format("{} not found (apt install python3 python3-aiohttp python3-requests)",
                              python.string());
    return;
  }
  // -s -E: Debian's packages only, whatever the user's site-packages or PYTHONPATH hold.
  static constexpr const char* probe = R"(
import json, sys
found = {"python": sys.version.split()[0]}
for name in ("aiohttp", "requests"):
    try:
        found[name] = __import__(name).__version__
    except Exception as e:
        found[name] = None
print(json.dumps(found))
)";
  std::string line, why;
  if (!first_line({python.string(), "-s", "-E", "-c", probe}, line, why)) {
    p.no_python = why;
    return;
  }
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object()) {
    p.no_python = fmt::format("{} did not say which libraries it has", python.string());
    return;
  }
  const auto version = [&](const char* name) {
    return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
  };
  auto versions = fmt::format("Python {}", version("python"));
  if (const auto v = version("aiohttp"); !v.empty()) {
    versions += ", aiohttp " + v;
  } else {
    p.no_aiohttp =
        fmt::format("{} cannot import aiohttp (apt install python3-aiohttp)", python.string());
  }
  if (const auto v = version("requests"); !v.empty()) {
    versions += ", requests " + v;
  } else {
    p.no_requests =
        fmt::format("{} cannot import requests (apt install python3-requests)", python.string());
  }
  p.versions.push_back(
      fmt::format("Python peers: {} ({}, run with -s -E)", versions, python.string()));
}

void probe_go(peer_runtime& p) {
  if (::access(p.go_peer.c_str(), X_OK) != 0) {
    p.no_go = fmt::format(
        "{} not found: the build makes it when go is installed (apt install golang-go, then "
        "configure and build again; scripts/bench does both)",
        p.go_peer.string());
    return;
  }
  std::string line, why;
  if (!first_line({p.go_peer.string(), "--version"}, line, why)) {
    p.no_go = why;
    return;
  }
  p.versions.push_back(fmt::format("Go peer: {}, net/http ({})", line, p.go_peer.string()));
}

void probe_curl(peer_runtime& p) {
  if (p.curl.empty() || ::access(p.curl.c_str(), X_OK) != 0) {
    p.no_curl = p.curl.empty() ? "curl not found on PATH (apt install curl)"
                               : fmt::format("{} not found (apt install curl)", p.curl.string());
    return;
  }
  if (p.bash.empty()) {
    p.no_curl = "bash not found on PATH (the curl peer is a bash script)";
    return;
  }
  std::string line, why;
  if (!first_line({p.curl.string(), "--version"}, line, why)) {
    p.no_curl = why;
    return;
  }
  const auto version = parse_curl_version(line);
  if (version.empty() ||
      std::lexicographical_compare(version.begin(), version.end(), std::begin(curl_oldest),
                                   std::end(curl_oldest))) {
    p.no_curl = fmt::format("{} is older than {}.{} (the peer needs -Z and -w %{{errormsg}}): {}",
                            p.curl.string(), curl_oldest[0], curl_oldest[1], line);
    return;
  }
  p.versions.push_back(
      fmt::format("curl peer: {} -Z, at most {} transfers at once (curl's own maximum) ({})",
                  line.substr(0, line.find(" (")), curl_parallel_max, p.curl.string()));
}

}  // namespace

fs::path default_peers_dir() {
  return FLEETCHECK_BENCH_PEERS_DIR;
}

fs::path peer_runtime::script(const strategy& s) const {
  switch (s.kind) {
    case strategy_kind::py_asyncio:
      return dir / "aiohttp_gather.py";
    case strategy_kind::py_threads:
      return dir / "thread_pool_requests.py";
    case strategy_kind::py_sequential:
      return dir / "sequential_requests.py";
    case strategy_kind::curl_parallel:
      return dir / "curl_parallel.sh";
    default:
      return {};
  }
}

std::vector<std::string> peer_runtime::command(const strategy& s) const {
  switch (s.kind) {
    case strategy_kind::go_nethttp:
      return {go_peer.string()};
    case strategy_kind::floor:
      return {floor.string()};
    case strategy_kind::curl_parallel:
      return {bash.string(), script(s).string(), "--curl", curl.string()};
    default:
      return {python.string(), "-s", "-E", script(s).string()};
  }
}

std::string peer_runtime::unavailable(const strategy& s) const {
  if (!s.is_peer()) return {};
  if (s.kind == strategy_kind::go_nethttp) return no_go;
  if (s.kind == strategy_kind::floor) return no_floor;
  if (s.kind == strategy_kind::curl_parallel && !no_curl.empty()) return no_curl;
  if (s.kind != strategy_kind::curl_parallel && !no_python.empty()) return no_python;
  if (!fs::exists(script(s))) {
    return fmt::format("peer script {} not found (give --peers-dir)", script(s).string());
  }
  switch (s.kind) {
    case strategy_kind::py_asyncio:
      return no_aiohttp;
    case strategy_kind::py_threads:
    case strategy_kind::py_sequential:
      return no_requests;
    default:
      return {};
  }
}

peer_runtime probe_peers(const peer_settings& settings, const std::vector<strategy>& strategies) {
  peer_runtime p;
  p.python = settings.python;
  p.dir = settings.dir.empty() ? default_peers_dir() : settings.dir;
  p.go_peer = settings.go_peer;
  p.curl = settings.curl.empty() ? find_on_path("curl") : settings.curl;
  p.bash = find_on_path("bash");
  p.floor = settings.floor;
  using k = strategy_kind;
  if (wanted(strategies, {k::py_asyncio, k::py_threads, k::py_sequential})) probe_python(p);
  if (wanted(strategies, {k::go_nethttp})) probe_go(p);
  if (wanted(strategies, {k::curl_parallel})) probe_curl(p);
  if (wanted(strategies, {k::floor}) && ::access(p.floor.c_str(), X_OK) != 0) {
    p.no_floor = fmt::format("{} not found (built with the benchmarks, next to the harness)",
                             p.floor.string());
  }
  return p;
}

std::vector<int> parse_curl_version(const std::string& version_output) {
  static constexpr std::string_view prefix = "curl ";
  if (!version_output.starts_with(prefix)) return {};
  std::vector<int> out;
  const char* at = version_output.data() + prefix.size();
  const char* end = version_output.data() + version_output.size();
  while (out.size() < 3) {
    int part = 0;
    const auto [next, ec] = std::from_chars(at, end, part);
    if (ec != std::errc{}) break;
    out.push_back(part);
    at = next;
    if (at == end || *at != '.') break;
    ++at;
  }
  if (out.size() < 2) return {};
  out.resize(3, 0);
  return out;
}

}  // namespace fleetcheck::bench
