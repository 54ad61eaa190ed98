#pragma once

#include <functional>
#include <memory>
#include <string>

namespace fleetcheck::engine {

struct loop;

/// N event loops (one io_context each, kept alive by a work guard), each on its own thread, each
/// with its own runtime: a c-ares channel and DNS cache, and a TLS session cache. Built once and
/// kept for the process's life by a daemon, or for one run by `check`; fleet runs (and a scheduler)
/// are its users. Destroying the pool stops the loops, joins the threads, and destroys whatever was
/// still in flight on them (its sockets close).
class loop_pool {
 public:
  /// Starts `threads` loops (at least one). Host names are resolved by c-ares on the loops:
  /// /etc/hosts, then `dns_servers` ("ip[:port],...", e.g. "127.0.0.1:5353" or "[::1]:53"), or
  /// the servers of /etc/resolv.conf when it is empty. Throws core::config_error when c-ares
  /// rejects the server list.
  explicit loop_pool(unsigned threads, const std::string& dns_servers = {});
  ~loop_pool();
  loop_pool(const loop_pool&) = delete;
  loop_pool& operator=(const loop_pool&) = delete;

  unsigned size() const;
  /// Loop `i` (0 <= i < size()); for the engine's own sources, which see its definition.
  loop& at(unsigned i);

  /// Stops every loop now: handlers not yet run are dropped, and the handler each loop is running
  /// is waited for (its thread is joined), so that nothing runs on the loops afterwards. For a
  /// process that is about to exit and must not wait for anything in flight. Not from a loop.
  void stop();

  /// Runs `on_signal(signal, count)` on loop 0 for every SIGINT or SIGTERM received while the
  /// returned handle lives (Asio's signal_set: no polling thread). `count` is 1 for the first
  /// signal. Destroying the handle restores the default dispositions.
  class signal_watch {
   public:
    ~signal_watch();
    signal_watch(signal_watch&&) noexcept;
    struct impl;

   private:
    friend class loop_pool;
    explicit signal_watch(std::unique_ptr<impl> impl);
    std::unique_ptr<impl> impl_;
  };
  signal_watch watch_signals(std::function<void(int signal, int count)> on_signal);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace fleetcheck::engine
