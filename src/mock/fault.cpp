#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

#include "fleetcheck/mock/mock_fleet.hpp"

namespace fleetcheck::mock {

std::string_view to_string(fault f) {
  switch (f) {
    case fault::none:
      return "none";
    case fault::fail:
      return "fail";
    case fault::hang:
      return "hang";
    case fault::reset:
      return "reset";
    case fault::garbage:
      return "garbage";
    case fault::big:
      return "big";
    case fault::slow:
      return "slow";
  }
  return "none";
}

std::optional<fault> parse_fault(std::string_view name) {
  for (const auto f : {fault::none, fault::fail, fault::hang, fault::reset, fault::garbage,
                       fault::big, fault::slow}) {
    if (to_string(f) == name) return f;
  }
  return std::nullopt;
}

std::vector<fault> assign_faults(std::size_t services, const fault_rates& rates,
                                 std::uint64_t seed) {
  const std::pair<fault, double> wanted[] = {
      {fault::fail, rates.fail},       {fault::hang, rates.hang}, {fault::reset, rates.reset},
      {fault::garbage, rates.garbage}, {fault::big, rates.big},   {fault::slow, rates.slow}};
  double sum = 0;
  for (const auto& [f, rate] : wanted) {
    if (rate < 0 || rate > 1) {
      throw std::invalid_argument("--" + std::string(to_string(f)) + "-rate must be within 0..1");
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
  for (const auto& [f, rate] : wanted) {
    const auto n = static_cast<std::size_t>(std::llround(rate * static_cast<double>(services)));
    for (std::size_t k = 0; k < n && next < services; ++k) out[order[next++]] = f;
  }
  return out;
}

}  // namespace fleetcheck::mock
