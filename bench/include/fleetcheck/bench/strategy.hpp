#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fleetcheck::bench {

/// Checks in flight at once, at most, for every strategy that can go wider: the event loops, the
/// thread pools, the Python and the Go peers all get the same cap, so that none wins by opening
/// more sockets. It also keeps a 100,000-target run inside the descriptor and ephemeral-port budget
/// of one host.
inline constexpr std::size_t in_flight_cap = 10000;

/// curl runs at most this many transfers at once (its MAX_PARALLEL; --parallel-max above it does
/// not raise it): the curl peer's own ceiling, below in_flight_cap.
inline constexpr std::size_t curl_parallel_max = 300;

enum class strategy_kind : std::uint8_t {
  sequential,     ///< blocking sockets, one check after another
  threads,        ///< a pool of W threads, each doing blocking checks
  event_loop,     ///< the production engine on one thread
  event_loop_mt,  ///< the production engine, one event loop per core
  py_asyncio,     ///< Python: asyncio + aiohttp, one ClientSession, asyncio.gather
  py_threads,     ///< Python: ThreadPoolExecutor(W) + requests
  py_sequential,  ///< Python: requests in a for loop
  go_nethttp,     ///< Go: net/http, one goroutine per URL (bench/peers/go_nethttp)
  curl_parallel,  ///< curl -Z: the curl tool's parallel transfers (bench/peers/curl_parallel.sh)
  floor,          ///< the physical floor: one epoll loop on raw sockets (fleetcheck-bench-floor)
};

/// One concurrency model, as named on the command line: "sequential", "threads:30", "threads:N",
/// "event-loop", "event-loop-mt", "go-nethttp", "curl-parallel", "py-asyncio", "py-threads:100",
/// "py-sequential", "floor".
struct strategy {
  strategy_kind kind = strategy_kind::event_loop;
  std::size_t workers = 0;  ///< W of threads:W / py-threads:W; 0 = one per target ("threads:N")
  std::string name;         ///< canonical spelling, e.g. "threads:N"

  /// Runs outside fleetcheck-bench-client: a peer (Python, Go or curl) or the floor.
  bool is_peer() const;
  /// Checks in flight at once for `n` targets (the same cap for everyone, see in_flight_cap).
  std::size_t concurrency(std::size_t n) const;
  /// Threads the strategy starts for `n` targets beyond the main one (0 for the single loop).
  std::size_t threads_needed(std::size_t n, unsigned cores) const;
};

/// Parses one strategy name. Throws std::invalid_argument listing the valid names.
strategy parse_strategy(std::string_view text);

/// Parses a comma-separated list ("sequential,threads:10,event-loop"). Throws
/// std::invalid_argument.
std::vector<strategy> parse_strategy_list(std::string_view text);

/// The full suite: every strategy of issue 4, the Go and curl peers and the three Python peers.
std::vector<strategy> default_strategies();
/// The quick suite: the slow thread pools (10 and 30 workers) left out.
std::vector<strategy> quick_strategies();

}  // namespace fleetcheck::bench
