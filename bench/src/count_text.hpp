#pragma once
// Internal: how the benchmark writes counts for people.

#include <cstddef>
#include <string>

namespace fleetcheck::bench {

/// 100000 -> "100,000".
inline std::string count_text(std::size_t n) {
  const auto digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace fleetcheck::bench
