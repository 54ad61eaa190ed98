#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

#include "fleetcheck/mock/mock_fleet.hpp"

namespace fleetcheck::mock {
namespace {

// The first seven keep their order: assign_faults hands out blocks in this order, and a seed must
// pick the same services it always did.
constexpr std::array<fault_info, 25> catalog{{
    {fault::none, "none", nullptr, "answer normally"},
    {fault::fail, "fail", &fault_rates::fail, "answer --fail-status"},
    {fault::hang, "hang", &fault_rates::hang, "never answer"},
    {fault::reset, "reset", &fault_rates::reset, "reset the connection"},
    {fault::garbage, "garbage", &fault_rates::garbage, "answer non-HTTP bytes"},
    {fault::big, "big", &fault_rates::big, "answer a 10 MiB body"},
    {fault::slow, "slow", &fault_rates::slow, "drip the body, one byte per 100 ms"},
    {fault::slowloris, "slowloris", &fault_rates::slowloris,
     "send a status line, then one header byte per 100 ms, forever"},
    {fault::huge_headers, "huge-headers", &fault_rates::huge_headers,
     "answer 200 after 12 KiB of X-Pad-N headers (per request: header_bytes=N)"},
    {fault::endless, "endless", &fault_rates::endless,
     "answer 200 with a chunked body that never ends"},
    {fault::short_body, "short-body", &fault_rates::short_body,
     "send 10 bytes of a 1000-byte body, then nothing, keeping the connection"},
    {fault::short_body_close, "short-body-close", &fault_rates::short_body_close,
     "send 10 bytes of a 1000-byte body, then close"},
    {fault::tls_stall, "tls-stall", &fault_rates::tls_stall,
     "never answer the TLS ClientHello (without --tls: accept-no-read)"},
    {fault::accept_no_read, "accept-no-read", &fault_rates::accept_no_read,
     "accept, then never read or write"},
    {fault::close, "close", &fault_rates::close, "close right after accept"},
    {fault::rst_after_headers, "rst-after-headers", &fault_rates::rst_after_headers,
     "send headers (Content-Length: 100), then a TCP RST"},
    {fault::continue_then_nothing, "continue-then-nothing", &fault_rates::continue_then_nothing,
     "send 100 Continue, then nothing, keeping the connection"},
    {fault::early_hints, "early-hints", &fault_rates::early_hints,
     "send 103 Early Hints, then the answer"},
    {fault::continue_then_ok, "continue-then-ok", &fault_rates::continue_then_ok,
     "send 100 Continue, then the answer"},
    {fault::non_utf8, "non-utf8", &fault_rates::non_utf8,
     "answer 200 with invalid UTF-8 in reason, headers and body"},
    {fault::non_utf8_503, "non-utf8-503", &fault_rates::non_utf8_503,
     "answer 503 'Service \\xffUnavailable' with invalid UTF-8"},
    {fault::http2, "http2", &fault_rates::http2,
     "answer like an HTTP/2-only server (SETTINGS, GOAWAY), then close"},
    {fault::close_no_notify, "close-no-notify", &fault_rates::close_no_notify,
     "close after the answer without TLS close_notify"},
    {fault::close_no_notify_http10, "close-no-notify-http10", &fault_rates::close_no_notify_http10,
     "answer HTTP/1.0 delimited by close, without TLS close_notify"},
    {fault::close_no_notify_chunked, "close-no-notify-chunked",
     &fault_rates::close_no_notify_chunked,
     "close after a chunked answer without TLS close_notify"},
}};

}  // namespace

std::span<const fault_info> fault_catalog() {
  return catalog;
}

std::string_view to_string(fault f) {
  for (const auto& info : catalog) {
    if (info.what == f) return info.name;
  }
  return "none";
}

std::optional<fault> parse_fault(std::string_view name) {
  for (const auto& info : catalog) {
    if (info.name == name) return info.what;
  }
  return std::nullopt;
}

const std::string& fault_names() {
  static const std::string names = [] {
    std::string out;
    for (const auto& info : catalog) {
      if (!out.empty()) out += ", ";
      out += info.name;
    }
    return out;
  }();
  return names;
}

std::string_view to_string(protocol p) {
  switch (p) {
    case protocol::http:
      return "http";
    case protocol::redis_ok:
      return "redis-ok";
    case protocol::redis_noauth:
      return "redis-noauth";
    case protocol::grpc:
      return "grpc";
  }
  return "http";
}

std::optional<protocol> parse_protocol(std::string_view name) {
  for (const auto p :
       {protocol::http, protocol::redis_ok, protocol::redis_noauth, protocol::grpc}) {
    if (to_string(p) == name) return p;
  }
  return std::nullopt;
}

std::vector<fault> assign_faults(std::size_t services, const fault_rates& rates,
                                 std::uint64_t seed) {
  double sum = rates.chaos;
  if (rates.chaos < 0 || rates.chaos > 1) {
    throw std::invalid_argument("--chaos-rate must be within 0..1");
  }
  for (const auto& info : catalog) {
    if (info.rate == nullptr) continue;
    const double rate = rates.*info.rate;
    if (rate < 0 || rate > 1) {
      throw std::invalid_argument("--" + std::string(info.name) + "-rate must be within 0..1");
    }
    sum += rate;
  }
  if (sum > 1.0 + 1e-9) throw std::invalid_argument("the fault rates add up to more than 1");

  // Shuffle the service indexes once, then hand out consecutive blocks: exact counts (rounded),
  // spread over the fleet, the same for the same seed.
  std::vector<std::size_t> order(services);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<fault> out(services, fault::none);
  std::size_t next = 0;
  const auto count = [services](double rate) {
    return static_cast<std::size_t>(std::llround(rate * static_cast<double>(services)));
  };
  for (const auto& info : catalog) {
    if (info.rate == nullptr) continue;
    const auto n = count(rates.*info.rate);
    for (std::size_t k = 0; k < n && next < services; ++k) out[order[next++]] = info.what;
  }
  // Chaos deals the faults out in turn rather than rounding each share on its own, so the total is
  // what was asked for even when a share is below one service.
  const auto chaos = count(rates.chaos);
  const std::size_t kinds = catalog.size() - 1;  // all but none
  for (std::size_t k = 0; k < chaos && next < services; ++k) {
    out[order[next++]] = catalog[1 + k % kinds].what;
  }
  return out;
}

}  // namespace fleetcheck::mock
