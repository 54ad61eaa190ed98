#pragma once
// Internal: one client connection to a mock service.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "fleetcheck/mock/mock_fleet.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::mock {

/// Requests seen per request target, for `fail_first=N`: shared by all sessions of a fleet.
struct request_counter {
  std::mutex mutex;
  std::unordered_map<std::string, int> seen;

  int next(const std::string& key) {
    std::lock_guard lock(mutex);
    return seen[key]++;
  }
};

/// What a session needs to know about the service it belongs to.
struct service_behaviour {
  const mock_options* options;
  fault default_fault;
  std::atomic<std::uint64_t>* served;
  boost::asio::ssl::context* tls;  ///< null: plain HTTP
  request_counter* counter;
};

/// Serves requests on `socket` until the client closes, a fault ends the connection, or the
/// io_context stops.
net::asio::awaitable<void> serve_session(net::asio::ip::tcp::socket socket,
                                         service_behaviour behaviour);

/// Serves a redis-like line protocol (options->protocol) on `socket` until the client closes or
/// QUITs: a raw-TCP service for send/expect checks.
net::asio::awaitable<void> serve_redis(net::asio::ip::tcp::socket socket,
                                       service_behaviour behaviour);

/// Serves gRPC health checks over HTTP/2 (h2c, or TLS when behaviour.tls) on `socket` until
/// the client closes, a fault ends the connection, or the io_context stops.
net::asio::awaitable<void> serve_grpc(net::asio::ip::tcp::socket socket,
                                      service_behaviour behaviour);

/// The configured delay plus a uniform random 0..jitter, drawn per response.
core::duration response_delay(const mock_options& options);

/// The server side of a TLS handshake on `stream`; false when it failed or the client did not
/// finish it within 10 s (the socket is then closed, so no client can pin a session forever).
net::asio::awaitable<bool> accept_tls(net::asio::ssl::stream<net::asio::ip::tcp::socket>& stream);

/// Makes a server TLS context choose ALPN h2 (gRPC) when the client offers it.
void offer_h2(boost::asio::ssl::context& tls);

}  // namespace fleetcheck::mock
