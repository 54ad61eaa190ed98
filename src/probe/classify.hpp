#pragma once
// Internal: turning an I/O error into a failure kind and a precise sentence.

#include <cstddef>
#include <string>

#include <boost/system/error_code.hpp>

#include "fleetcheck/check/attempt_result.hpp"
#include "fleetcheck/core/check_settings.hpp"

namespace fleetcheck::probe {

/// What a failure message may need to say about the check.
struct failure_context {
  std::string host;
  std::size_t max_body_bytes = 0;
  std::size_t max_header_bytes = 0;
};

/// The failure for I/O error `ec` in `phase` after `bytes_received` bytes of the answer: kind
/// `timeout` for Beast's and Asio's timeouts (the judge words them), else a precise sentence:
/// "connection refused", "connection reset by peer while waiting for response", "malformed HTTP
/// response (bad version)", "response body exceeds the 65536 byte limit (max_body)"...
check::transport_failure classify(const boost::system::error_code& ec, core::probe_phase phase,
                                  std::size_t bytes_received, const failure_context& about);

/// Whether an error means "the machine is out of descriptors or ports right now": such errors
/// are waited out (back-pressure) instead of failing the check.
bool is_back_pressure(const boost::system::error_code& ec);

/// What the server sent, printable, on one line and short: for messages.
std::string excerpt(std::string_view data, std::size_t most = 60);

}  // namespace fleetcheck::probe
