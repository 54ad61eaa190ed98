#include "fleetcheck/core/status_set.hpp"

#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace fleetcheck::core {
namespace {

int parse_code(std::string_view text, std::string_view whole) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 100 || value > 599) {
    throw std::invalid_argument(
        fmt::format("invalid status '{}': expected a code 100-599, a class like 2xx, or a range "
                    "like 200-299",
                    whole));
  }
  return value;
}

}  // namespace

void status_set::add(std::string_view item) {
  if (item.size() == 3 && item[0] >= '1' && item[0] <= '5' && (item[1] == 'x' || item[1] == 'X') &&
      (item[2] == 'x' || item[2] == 'X')) {
    const int base = (item[0] - '0') * 100;
    ranges_.emplace_back(base, base + 99);
    return;
  }
  if (const auto dash = item.find('-'); dash != std::string_view::npos) {
    const int first = parse_code(item.substr(0, dash), item);
    const int last = parse_code(item.substr(dash + 1), item);
    if (last < first) throw std::invalid_argument(fmt::format("invalid status range '{}'", item));
    ranges_.emplace_back(first, last);
    return;
  }
  const int code = parse_code(item, item);
  ranges_.emplace_back(code, code);
}

bool status_set::contains(int status) const {
  if (ranges_.empty()) return status >= 200 && status <= 299;
  for (const auto& [first, last] : ranges_) {
    if (status >= first && status <= last) return true;
  }
  return false;
}

std::string status_set::describe() const {
  if (ranges_.empty()) return "2xx";
  std::string out;
  for (const auto& [first, last] : ranges_) {
    if (!out.empty()) out += ',';
    if (first == last) {
      out += std::to_string(first);
    } else if (first % 100 == 0 && last == first + 99) {
      out += fmt::format("{}xx", first / 100);
    } else {
      out += fmt::format("{}-{}", first, last);
    }
  }
  return out;
}

}  // namespace fleetcheck::core
