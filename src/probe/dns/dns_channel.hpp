#pragma once
// Internal: a c-ares channel driven by one io_context (no threads, no polling).

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "fleetcheck/core/expected.hpp"
#include "net/asio_aliases.hpp"

struct ares_channeldata;  // c-ares' channel; ares.h stays in dns_channel.cpp

namespace fleetcheck::probe {

/// One c-ares channel whose sockets are watched by Asio and whose timeouts run on an Asio timer,
/// so that any number of lookups are in flight at once on the loop's own thread.
///
/// c-ares tells us (ARES_OPT_SOCK_STATE_CB) which sockets to watch for what; each is wrapped in a
/// descriptor that waits for readiness and hands the socket back to ares_process_fd, never closing
/// it (c-ares owns its sockets). Not thread-safe: every call, and the destructor, on the loop's
/// thread or after the loop has stopped. The destructor ends every lookup in flight without
/// calling its handler.
class dns_channel {
 public:
  struct options {
    /// "host:port,host:port" (IP literals; "[::1]:53" for IPv6); empty: the servers of
    /// /etc/resolv.conf. /etc/hosts is read either way.
    std::string servers;
    /// For checks of a DNS server: hand back every answer as it came (SERVFAIL, REFUSED), once,
    /// instead of trying the next server or again (ARES_FLAG_NOCHECKRESP).
    bool raw_answers = false;
    std::chrono::milliseconds timeout{1000};  ///< of a first try; c-ares doubles it per round
    int tries = 3;
    /// Lookups (resolve() and query()) in flight at once; more wait their turn, in order, and start
    /// as answers come (no thread, no polling). A burst of thousands of names at one server would
    /// otherwise overflow its socket buffer (dnsmasq with Linux's default 208 KiB drops past a
    /// few hundred datagrams) and pay c-ares' retry timeout for each lost one. 0: no limit.
    std::size_t most_lookups = 64;
  };

  using address_list = std::vector<net::asio::ip::address>;
  /// An error (Asio's netdb codes: host_not_found, host_not_found_try_again, no_recovery) or the
  /// addresses, on the loop's thread.
  using resolve_handler = std::function<void(boost::system::error_code, address_list)>;
  /// The server's answer as it came on the wire, or an error with no answer (timed_out, ...).
  using query_handler =
      std::function<void(boost::system::error_code, std::span<const unsigned char>)>;

  /// A channel, or why c-ares refused the options (a malformed server list).
  static core::expected<std::unique_ptr<dns_channel>> open(net::asio::any_io_executor executor,
                                                           const options& o);
  ~dns_channel();
  dns_channel(const dns_channel&) = delete;
  dns_channel& operator=(const dns_channel&) = delete;

  /// ares_getaddrinfo(AF_UNSPEC): /etc/hosts, then the servers.
  void resolve(const std::string& host, resolve_handler done);
  /// One question of class IN and type `type` (ns_t_a...), with c-ares' TCP fallback when the
  /// UDP answer is truncated.
  void query(const std::string& name, int type, query_handler done);

  /// Sockets c-ares has open now (for tests: they all close when lookups end).
  std::size_t sockets() const { return watches_.size(); }
  /// Lookups and queries whose handler has not been called yet.
  std::size_t in_flight() const { return in_flight_ + queued_.size(); }

 private:
  struct watch;
  explicit dns_channel(net::asio::any_io_executor executor);
  /// Runs `start` now, or once fewer than most_lookups are in flight.
  void admit(std::function<void()> start);
  void start_lookup(const std::string& host, resolve_handler done);
  void start_query(const std::string& name, int type, query_handler done);
  void lookup_finished();
  static void on_socket_state(void* self, int fd, int readable, int writable);
  void arm(const std::shared_ptr<watch>& w);
  void process(int read_fd, int write_fd);
  void schedule_timeouts();

  net::asio::any_io_executor executor_;
  ares_channeldata* channel_ = nullptr;
  net::asio::steady_timer timer_;
  std::unordered_map<int, std::shared_ptr<watch>> watches_;
  std::size_t in_flight_ = 0;
  std::size_t lookups_ = 0, most_lookups_ = 0;
  std::deque<std::function<void()>> queued_;
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

/// The channels of DNS checks on one loop, one per server ("ip:port"), opened on first use and
/// kept (a channel keeps its UDP socket). Past `most` servers, channels with nothing in flight
/// are closed before another opens, so that servers named by ever-changing addresses never make
/// the map grow without bound.
class dns_channels {
 public:
  explicit dns_channels(net::asio::any_io_executor executor, std::size_t most = 64)
      : executor_(std::move(executor)), most_(most) {}

  /// The channel for `server` ("127.0.0.1:53", "[::1]:5353"), valid until the next call; an
  /// error when c-ares rejects the server.
  core::expected<dns_channel*> get(const std::string& server);
  /// Closes every channel; on the loop's thread or once the loop has stopped.
  void clear() { channels_.clear(); }

 private:
  net::asio::any_io_executor executor_;
  std::size_t most_;
  std::unordered_map<std::string, std::unique_ptr<dns_channel>> channels_;
};

}  // namespace fleetcheck::probe
