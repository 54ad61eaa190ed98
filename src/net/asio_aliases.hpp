#pragma once
// Internal: the Asio/Beast vocabulary shared by the probe, engine and mock sources. Never included
// by a public header.

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace fleetcheck::net {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

/// Completion token of the data plane: errors come back as values (an error_code first), never as
/// exceptions, so that a probe can say precisely what went wrong and where.
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

/// Seconds between two instants, the unit of every report.
inline double seconds_between(clock::time_point from, clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace fleetcheck::net
