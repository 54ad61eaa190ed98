#pragma once
// Internal: one client connection to a mock service.

#include <atomic>
#include <cstdint>

#include <boost/asio/ip/tcp.hpp>

#include "fleetcheck/mock/mock_fleet.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::mock {

/// What a session needs to know about the service it belongs to.
struct service_behaviour {
  const mock_options* options;
  fault default_fault;
  std::atomic<std::uint64_t>* served;
};

/// Serves requests on `socket` until the client closes, a fault ends the connection, or the
/// io_context stops.
net::asio::awaitable<void> serve_session(net::asio::ip::tcp::socket socket,
                                         service_behaviour behaviour);

}  // namespace fleetcheck::mock
