#include "blocking_check.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <chrono>
#include <cstring>
#include <ctime>

#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "blocking_stream.hpp"
#include "fleetcheck/check/judge.hpp"
#include "fleetcheck/core/duration.hpp"
#include "probe/classify.hpp"
#include "probe/http/request.hpp"
#include "probe/http/response_reader.hpp"

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
  if (::inet_pton(AF_INET, t.at().host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(t.at().port);
    length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (::inet_pton(AF_INET6, t.at().host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(t.at().port);
    length = sizeof(sockaddr_in6);
    return true;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(t.at().host.c_str(), std::to_string(t.at().port).c_str(), &hints, &found) !=
          0 ||
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
  const auto& settings = t.settings;
  check::attempt_result attempt;
  std::size_t received = 0;
  const auto finish = [&] {
    attempt.seconds = seconds_since(started);
    const auto v =
        check::judge(settings, attempt, core::deadline_reason::timeout, std::time(nullptr));
    core::probe_result result;
    result.attempts = 1;
    result.outcome = v.outcome;
    result.failure = v.failure;
    result.error = v.message;
    result.http_status = attempt.seen.status.value_or(0);
    result.duration_seconds = attempt.seconds;
    return result;
  };
  const auto fail = [&](const boost::system::error_code& ec, core::probe_phase phase) {
    attempt.failed =
        probe::classify(ec, phase, received,
                        probe::failure_context{t.at().host, settings.http.max_body_bytes,
                                               settings.http.max_header_bytes});
    return finish();
  };

  boost::system::error_code ec;
  sockaddr_storage address;
  socklen_t length = 0;
  if (!resolve(t, address, length, ec)) return fail(ec, core::probe_phase::resolve);

  blocking_stream stream;
  stream.connect(reinterpret_cast<const sockaddr*>(&address), length, settings.timeout, ec);
  if (ec) return fail(ec, core::probe_phase::connect);

  const auto& spec = std::get<core::http_spec>(t.spec);
  const auto request = probe::make_request(settings, probe::request_line_of(spec, settings));
  http::write(stream, request, ec);
  if (ec) return fail(ec, core::probe_phase::write);

  boost::beast::flat_buffer buffer;
  probe::response_parser parser;
  parser.body_limit(settings.http.max_body_bytes);
  received = http::read(stream, buffer, parser, ec);
  if (ec) {
    return fail(ec, received == 0 ? core::probe_phase::first_byte : core::probe_phase::transfer);
  }
  stream.shutdown();
  probe::observe_status(parser.get(), attempt.seen);
  return finish();
}

}  // namespace fleetcheck::bench
