#include "fleetcheck/bench/strategy.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace fleetcheck::bench {
namespace {

constexpr std::string_view valid_names =
    "sequential, threads:W, threads:N, event-loop, event-loop-mt, go-nethttp, curl-parallel, "
    "py-asyncio, py-threads:W, py-sequential, floor";

/// "30" -> 30, "N" -> 0 (one worker per target).
std::size_t parse_workers(std::string_view text, std::string_view whole) {
  if (text == "N" || text == "n") return 0;
  std::size_t w = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), w);
  if (ec != std::errc{} || end != text.data() + text.size() || w == 0) {
    throw std::invalid_argument(
        fmt::format("strategy '{}': the worker count must be a positive number or N", whole));
  }
  return w;
}

}  // namespace

bool strategy::is_peer() const {
  switch (kind) {
    case strategy_kind::py_asyncio:
    case strategy_kind::py_threads:
    case strategy_kind::py_sequential:
    case strategy_kind::go_nethttp:
    case strategy_kind::curl_parallel:
    case strategy_kind::floor:
      return true;
    default:
      return false;
  }
}

std::size_t strategy::concurrency(std::size_t n) const {
  switch (kind) {
    case strategy_kind::sequential:
    case strategy_kind::py_sequential:
      return 1;
    case strategy_kind::threads:
    case strategy_kind::py_threads:
      return std::max<std::size_t>(1, std::min(workers == 0 ? n : workers, n));
    case strategy_kind::event_loop:
    case strategy_kind::event_loop_mt:
    case strategy_kind::py_asyncio:
    case strategy_kind::go_nethttp:
    case strategy_kind::floor:
      return std::max<std::size_t>(1, std::min(n, in_flight_cap));
    case strategy_kind::curl_parallel:
      return std::max<std::size_t>(1, std::min(n, curl_parallel_max));
  }
  return 1;
}

std::size_t strategy::threads_needed(std::size_t n, unsigned cores) const {
  switch (kind) {
    case strategy_kind::threads:
    case strategy_kind::py_threads:
      return concurrency(n);
    case strategy_kind::event_loop_mt:
    case strategy_kind::go_nethttp:  // GOMAXPROCS: one running thread per core
      return cores;
    default:
      return 0;
  }
}

strategy parse_strategy(std::string_view text) {
  strategy s;
  const auto colon = text.find(':');
  const auto head = text.substr(0, colon);
  const auto tail = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  const bool pooled = head == "threads" || head == "py-threads";
  if (pooled && colon == std::string_view::npos) {
    throw std::invalid_argument(
        fmt::format("strategy '{}' needs a worker count, e.g. {}:100 or {}:N", text, head, head));
  }
  if (!pooled && colon != std::string_view::npos) {
    throw std::invalid_argument(
        fmt::format("strategy '{}' takes no worker count (valid: {})", text, valid_names));
  }
  if (head == "sequential") {
    s.kind = strategy_kind::sequential;
  } else if (head == "threads") {
    s.kind = strategy_kind::threads;
  } else if (head == "event-loop") {
    s.kind = strategy_kind::event_loop;
  } else if (head == "event-loop-mt") {
    s.kind = strategy_kind::event_loop_mt;
  } else if (head == "py-asyncio") {
    s.kind = strategy_kind::py_asyncio;
  } else if (head == "py-threads") {
    s.kind = strategy_kind::py_threads;
  } else if (head == "py-sequential") {
    s.kind = strategy_kind::py_sequential;
  } else if (head == "go-nethttp") {
    s.kind = strategy_kind::go_nethttp;
  } else if (head == "curl-parallel") {
    s.kind = strategy_kind::curl_parallel;
  } else if (head == "floor") {
    s.kind = strategy_kind::floor;
  } else {
    throw std::invalid_argument(
        fmt::format("unknown strategy '{}' (valid: {})", text, valid_names));
  }
  if (pooled) {
    s.workers = parse_workers(tail, text);
    s.name =
        fmt::format("{}:{}", head, s.workers == 0 ? std::string("N") : std::to_string(s.workers));
  } else {
    s.name = std::string(head);
  }
  return s;
}

std::vector<strategy> parse_strategy_list(std::string_view text) {
  std::vector<strategy> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      auto s = parse_strategy(item);
      const bool seen =
          std::any_of(out.begin(), out.end(), [&](const strategy& o) { return o.name == s.name; });
      if (!seen) out.push_back(std::move(s));
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (out.empty()) throw std::invalid_argument("no strategies given");
  return out;
}

std::vector<strategy> default_strategies() {
  return parse_strategy_list(
      "sequential,threads:10,threads:30,threads:100,threads:N,event-loop,event-loop-mt,"
      "floor,go-nethttp,curl-parallel,py-asyncio,py-threads:100,py-sequential");
}

std::vector<strategy> quick_strategies() {
  return parse_strategy_list(
      "sequential,threads:100,threads:N,event-loop,event-loop-mt,floor,go-nethttp,curl-parallel,"
      "py-asyncio,py-threads:100,py-sequential");
}

}  // namespace fleetcheck::bench
