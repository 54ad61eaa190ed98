#pragma once
// Internal: the steps every check starts with, shared by the HTTP and TCP probes.

#include <atomic>
#include <string>

#include <boost/beast/core/tcp_stream.hpp>

#include "fleetcheck/core/probe_result.hpp"
#include "net/asio_aliases.hpp"
#include "probe/http_probe.hpp"

namespace fleetcheck::probe {

/// Records how long each step took, as the check moves from one to the next, and publishes the
/// current step for a run cut short.
class stopwatch {
 public:
  explicit stopwatch(std::atomic<core::probe_phase>& phase) : phase_(phase) {}

  void enter(core::probe_phase next) {
    phase_.store(next, std::memory_order_relaxed);
    current_ = next;
    lap_ = net::clock::now();
  }
  double lap() const { return net::seconds_between(lap_, net::clock::now()); }
  core::probe_phase current() const { return current_; }

 private:
  std::atomic<core::probe_phase>& phase_;
  core::probe_phase current_ = core::probe_phase::queued;
  net::clock::time_point lap_ = net::clock::now();
};

/// One attempt's result as it is being built: when it started, the step it is in, and the two ways
/// it ends. Shared by the HTTP and TCP probes.
class attempt_record {
 public:
  attempt_record(const core::target& t, const check_context& ctx)
      : watch(ctx.phase), target_(t), ctx_(ctx) {}

  /// Stamps the duration and hands the result over.
  core::probe_result finish() {
    result.duration_seconds = net::seconds_between(started_, net::clock::now());
    return std::move(result);
  }
  /// Judges an I/O failure in the current step, then finishes.
  core::probe_result fail(const boost::system::error_code& ec, std::size_t received);

  core::probe_result result;
  stopwatch watch;

 private:
  const core::target& target_;
  const check_context& ctx_;
  net::clock::time_point started_ = net::clock::now();
};

/// Resolves `host` and connects `stream` to the first address that answers, bounded by the
/// deadline; waits out EMFILE/EADDRNOTAVAIL. Fills the resolve and connect timings.
net::asio::awaitable<boost::system::error_code> resolve_and_connect(
    boost::beast::tcp_stream& stream, const std::string& host, std::uint16_t port,
    check_context& ctx, stopwatch& watch, core::probe_result& result);

}  // namespace fleetcheck::probe
