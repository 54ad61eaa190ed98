#pragma once
// Internal: the chaos faults of a mock service, the ways real servers and proxies break HTTP that
// a hardened checker must survive. Each runs on a plain or a TLS stream.

#include <cstddef>
#include <cstdint>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "fleetcheck/mock/mock_fleet.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::mock {

/// What the session does once a fault has had its say.
enum class after_fault : std::uint8_t {
  answer,           ///< an interim response went out: now answer the request as usual
  next_request,     ///< a whole response went out and the client keeps the connection alive
  close,            ///< close cleanly: TLS close_notify (with TLS), then FIN
  close_no_notify,  ///< FIN without TLS close_notify
  done,             ///< the connection is finished (closed, reset, or the client went away)
};

/// One request's fault, as run_chaos_fault needs it.
struct chaos_request {
  fault what = fault::none;
  bool keep_alive = false;
  std::size_t header_bytes = 12 * 1024;  ///< padding of huge-headers
};

/// True for the faults run_chaos_fault handles (those after `slow` in the catalog).
bool is_chaos_fault(fault f);

/// Runs a chaos fault for a request that has been read. `buffer` is the session's read buffer,
/// used to drain what the client sends while a fault keeps the connection open. Loops that never
/// end on their own (slowloris, endless) end on the first failed write or timer, and with the
/// io_context.
template <class Stream>
net::asio::awaitable<after_fault> run_chaos_fault(Stream& stream, boost::beast::flat_buffer& buffer,
                                                  const chaos_request& request);

/// The faults that act before any byte is read (a service's `close`, `accept-no-read`,
/// `tls-stall`); true when `f` was one of them and the connection is finished.
net::asio::awaitable<bool> run_connection_fault(net::asio::ip::tcp::socket& socket, fault f,
                                                bool tls);

}  // namespace fleetcheck::mock
