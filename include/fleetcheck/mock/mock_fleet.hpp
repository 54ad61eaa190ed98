#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::mock {

/// How a mock service misbehaves. `fail` answers with an error status; the others break the
/// protocol at some level.
enum class fault : std::uint8_t { none, fail, hang, reset, garbage, big, slow };

std::string_view to_string(fault f);
/// "hang", "reset", "garbage", "big", "slow", "fail", "none"; nullopt when unknown.
std::optional<fault> parse_fault(std::string_view name);

/// Fractions (0..1) of the services that misbehave in each way.
struct fault_rates {
  double fail = 0, hang = 0, reset = 0, garbage = 0, big = 0, slow = 0;
};

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
};

/// Which service gets which fault: a deterministic function of the seed, so that a run can be
/// reproduced. Throws std::invalid_argument when the rates add up to more than 1.
std::vector<fault> assign_faults(std::size_t services, const fault_rates& rates,
                                 std::uint64_t seed);

/// A fleet of mock HTTP/1.1 services, each on its own port: `GET /health` answers after the delay
/// with 200 and {"status":"ok"}; query parameters `delay=`, `status=` and `fault=` override per
/// request, as do `redirect=URL` (302) and `fail_first=N` (the first N requests for the same target
/// get 503). Keep-alive works. One io_context per thread, each owning a share of the listeners.
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

  /// The fleet as a fleetcheck config (YAML), one target per service.
  std::string manifest() const;
  /// "http://127.0.0.1:9000/health" (https:// with TLS) for service i.
  std::string url(std::size_t service) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace fleetcheck::mock
