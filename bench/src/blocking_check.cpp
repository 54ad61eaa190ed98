#include "blocking_check.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <chrono>
#include <cstring>

#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "blocking_stream.hpp"
#include "fleetcheck/core/duration.hpp"
#include "probe/http_exchange.hpp"

namespace fleetcheck::bench {
namespace {

using clock = std::chrono::steady_clock;
namespace http = boost::beast::http;

double seconds_since(clock::time_point from) {
  return std::chrono::duration<double>(clock::now() - from).count();
}

/// The address to connect to. IP literals are parsed in place; names go through getaddrinfo on
/// every check, as a blocking client without a cache does.
bool resolve(const core::target& t, sockaddr_storage& address, socklen_t& length,
             boost::system::error_code& ec) {
  std::memset(&address, 0, sizeof address);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  if (::inet_pton(AF_INET, t.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(t.port);
    length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (::inet_pton(AF_INET6, t.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(t.port);
    length = sizeof(sockaddr_in6);
    return true;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(t.host.c_str(), std::to_string(t.port).c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    ec = boost::asio::error::host_not_found;
    return false;
  }
  std::memcpy(&address, found->ai_addr, found->ai_addrlen);
  length = found->ai_addrlen;
  ::freeaddrinfo(found);
  return true;
}

}  // namespace

core::probe_result run_blocking_check(const core::target& t) {
  const auto started = clock::now();
  core::probe_result result;
  result.attempts = 1;
  std::size_t received = 0;
  const auto fail = [&](const boost::system::error_code& ec, core::probe_phase phase) {
    probe::judge_failure(ec, phase, false, core::format_duration(t.timeout), received, t, result);
    result.duration_seconds = seconds_since(started);
    return result;
  };

  boost::system::error_code ec;
  sockaddr_storage address;
  socklen_t length = 0;
  if (!resolve(t, address, length, ec)) return fail(ec, core::probe_phase::resolve);

  blocking_stream stream;
  stream.connect(reinterpret_cast<const sockaddr*>(&address), length, t.timeout, ec);
  if (ec) return fail(ec, core::probe_phase::connect);

  const auto request = probe::make_request(t);
  http::write(stream, request, ec);
  if (ec) return fail(ec, core::probe_phase::write);

  boost::beast::flat_buffer buffer;
  probe::response_parser parser;
  probe::configure_parser(parser, t);
  received = http::read(stream, buffer, parser, ec);
  if (ec) {
    return fail(ec, received == 0 ? core::probe_phase::first_byte : core::probe_phase::transfer);
  }
  stream.shutdown();
  probe::judge_response(t, parser, result);
  result.duration_seconds = seconds_since(started);
  return result;
}

}  // namespace fleetcheck::bench
