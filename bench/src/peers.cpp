#include "peers.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/bench/child_process.hpp"

#ifndef FLEETCHECK_BENCH_PEERS_DIR
#define FLEETCHECK_BENCH_PEERS_DIR "bench/peers"
#endif

namespace fleetcheck::bench {

std::filesystem::path default_peers_dir() {
  return FLEETCHECK_BENCH_PEERS_DIR;
}

std::filesystem::path peer_runtime::script(const strategy& s) const {
  switch (s.kind) {
    case strategy_kind::py_asyncio:
      return dir / "aiohttp_gather.py";
    case strategy_kind::py_threads:
      return dir / "thread_pool_requests.py";
    case strategy_kind::py_sequential:
      return dir / "sequential_requests.py";
    default:
      return {};
  }
}

std::string peer_runtime::unavailable(const strategy& s) const {
  if (!s.is_peer()) return {};
  if (!no_python.empty()) return no_python;
  if (!std::filesystem::exists(script(s))) {
    return fmt::format("peer script {} not found (give --peers-dir)", script(s).string());
  }
  return s.kind == strategy_kind::py_asyncio ? no_aiohttp : no_requests;
}

peer_runtime probe_peers(const std::filesystem::path& python, const std::filesystem::path& dir) {
  peer_runtime p;
  p.python = python;
  p.dir = dir;
  if (::access(python.c_str(), X_OK) != 0) {
    p.no_python = fmt::format("{} not found (apt install python3 python3-aiohttp python3-requests)",
                              python.string());
    return p;
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
  process_outcome outcome;
  try {
    outcome = run_measured({python.string(), "-s", "-E", "-c", probe}, std::chrono::seconds(30));
  } catch (const std::exception& e) {
    p.no_python = e.what();
    return p;
  }
  const auto j = nlohmann::json::parse(outcome.out, nullptr, false);
  if (outcome.kind != exit_kind::exited || outcome.code != 0 || !j.is_object()) {
    p.no_python = fmt::format("{} did not run: {}", python.string(), outcome.err_tail);
    return p;
  }
  const auto version = [&](const char* name) {
    return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
  };
  p.versions = fmt::format("Python {}", version("python"));
  if (const auto v = version("aiohttp"); !v.empty()) {
    p.versions += ", aiohttp " + v;
  } else {
    p.no_aiohttp =
        fmt::format("{} cannot import aiohttp (apt install python3-aiohttp)", python.string());
  }
  if (const auto v = version("requests"); !v.empty()) {
    p.versions += ", requests " + v;
  } else {
    p.no_requests =
        fmt::format("{} cannot import requests (apt install python3-requests)", python.string());
  }
  return p;
}

}  // namespace fleetcheck::bench
