#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::mock {

/// How a mock service misbehaves. `fail` answers with an error status; the others break the
/// protocol at some level. The chaos faults after `slow` reproduce what real servers and proxies
/// send, so that a checker's hardening can be tested end to end; see fault_catalog() for each.
enum class fault : std::uint8_t {
  none,
  fail,
  hang,
  reset,
  garbage,
  big,
  slow,
  slowloris,
  huge_headers,
  endless,
  short_body,
  short_body_close,
  tls_stall,
  accept_no_read,
  close,
  rst_after_headers,
  continue_then_nothing,
  early_hints,
  continue_then_ok,
  non_utf8,
  non_utf8_503,
  http2,
  close_no_notify,
  close_no_notify_http10,
  close_no_notify_chunked,
};

struct fault_rates;

/// One fault: its name (for `fault=` and `--<name>-rate`), the share of fault_rates that selects it
/// for whole services (null for `none`), and a line of help.
struct fault_info {
  fault what;
  std::string_view name;
  double fault_rates::*rate;
  std::string_view help;
};

/// Every fault, `none` first, in the order assign_faults hands them out.
std::span<const fault_info> fault_catalog();

std::string_view to_string(fault f);
/// A fault's kebab-case name ("hang", "huge-headers", "none", ...); nullopt when unknown.
std::optional<fault> parse_fault(std::string_view name);
/// "none, fail, hang, ...": every name, for messages.
const std::string& fault_names();

/// Fractions (0..1) of the services that misbehave in each way.
struct fault_rates {
  double fail = 0, hang = 0, reset = 0, garbage = 0, big = 0, slow = 0;
  double slowloris = 0, huge_headers = 0, endless = 0, short_body = 0, short_body_close = 0;
  double tls_stall = 0, accept_no_read = 0, close = 0, rst_after_headers = 0;
  double continue_then_nothing = 0, early_hints = 0, continue_then_ok = 0;
  double non_utf8 = 0, non_utf8_503 = 0, http2 = 0;
  double close_no_notify = 0, close_no_notify_http10 = 0, close_no_notify_chunked = 0;
  /// Spread over every fault (all but `none`) in equal shares, on top of the rates above.
  double chaos = 0;
};

/// What the services speak. The redis modes make every service a raw-TCP line protocol server (no
/// HTTP, no faults), for `tcp://` checks with `send`/`expect`: inline commands, one per line.
enum class protocol : std::uint8_t {
  http,
  redis_ok,      ///< `PING` -> `+PONG`, `QUIT` -> `+OK` and close, else `-ERR unknown command`
  redis_noauth,  ///< like redis with `requirepass`: every command but QUIT -> `-NOAUTH ...`
  /// grpc.health.v1.Health/Check over HTTP/2 (h2c; with tls, TLS with ALPN h2). The service asked
  /// about picks the answer (grpc_services()): "" and "serving" are SERVING, "not-serving",
  /// "service-unknown" and "unknown" those statuses, the fault names their fault; any other
  /// service gets NOT_FOUND, as from a real server.
  grpc,
};

/// The services a `--protocol grpc` mock knows and what each answers, for help and docs.
std::string_view grpc_services();

std::string_view to_string(protocol p);
/// "http", "redis-ok", "redis-noauth", "grpc"; nullopt when unknown.
std::optional<protocol> parse_protocol(std::string_view name);

struct mock_options {
  std::size_t services = 100;
  std::uint16_t base_port = 9000;  ///< consecutive ports from here; 0 = let the OS choose each
  std::string host = "127.0.0.1";
  core::duration delay = std::chrono::milliseconds(200);
  core::duration jitter{0};  ///< adds a uniform random 0..jitter to each delay
  fault_rates rates;
  int fail_status = 503;
  unsigned threads = 0;  ///< 0 = one per core
  std::uint64_t seed = 1;
  bool tls = false;            ///< serve HTTPS with cert_file/key_file
  std::string cert_file;       ///< PEM certificate chain
  std::string key_file;        ///< PEM private key
  std::string client_ca_file;  ///< with tls: require client certificates from this CA (mTLS)
  mock::protocol protocol = mock::protocol::http;  ///< what every service speaks
};

/// Which service gets which fault: a deterministic function of the seed, so that a run can be
/// reproduced. Throws std::invalid_argument when the rates add up to more than 1. `chaos` gives
/// round(chaos * services) services the faults of the catalog in turn, so that every fault is there
/// once the fleet is large enough.
std::vector<fault> assign_faults(std::size_t services, const fault_rates& rates,
                                 std::uint64_t seed);

/// A fleet of mock HTTP/1.1 services, each on its own port: `GET /health` answers after the delay
/// with 200 and {"status":"ok"}; query parameters `delay=`, `status=` and `fault=` override per
/// request, as do `redirect=URL` (302) and `fail_first=N` (the first N requests for the same target
/// get 503). Keep-alive works. One io_context per thread, each owning a share of the listeners.
/// With a redis protocol, the services speak that line protocol instead (see protocol).
class mock_fleet {
 public:
  /// Binds every listener, or throws std::runtime_error naming the port that could not be bound.
  explicit mock_fleet(mock_options options);
  ~mock_fleet();
  mock_fleet(const mock_fleet&) = delete;
  mock_fleet& operator=(const mock_fleet&) = delete;

  /// Starts serving on background threads.
  void start();
  /// Stops serving and closes every connection; idempotent.
  void stop();

  const std::vector<std::uint16_t>& ports() const;
  const std::vector<fault>& faults() const;
  const mock_options& options() const;
  std::uint64_t requests_served() const;
  /// Connections accepted over all services (with keep-alive, fewer than requests).
  std::uint64_t connections_accepted() const;

  /// The fleet as a fleetcheck config (YAML), one target per service.
  std::string manifest() const;
  /// "http://127.0.0.1:9000/health" (https:// with TLS, tcp://127.0.0.1:9000 for the redis
  /// protocols, grpc://127.0.0.1:9000 or grpcs:// for gRPC) for service i.
  std::string url(std::size_t service) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace fleetcheck::mock
