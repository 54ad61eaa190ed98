#include "config/gatus_notices.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fleetcheck::config {
namespace {

/// A line must stay readable on a terminal: past this many names, "and N more".
constexpr std::size_t most_names = 5;

std::string names_of(const std::vector<std::string>& names) {
  if (names.size() <= most_names) return fmt::format("{}", fmt::join(names, ", "));
  return fmt::format("{}, and {} more", fmt::join(names.begin(), names.begin() + most_names, ", "),
                     names.size() - most_names);
}

/// "alerts (3 endpoints), ui (1 endpoint)".
std::string counted(const auto& tallies) {
  std::vector<std::string> parts;
  for (const auto& t : tallies) {
    parts.push_back(
        fmt::format("{} ({} endpoint{})", t.key, t.endpoints, t.endpoints == 1 ? "" : "s"));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

void gatus_notices::count(std::vector<tally>& into, const std::string& key,
                          const std::string& name) {
  auto it = std::find_if(into.begin(), into.end(), [&](const tally& t) { return t.key == key; });
  if (it == into.end()) it = into.insert(into.end(), tally{key, 0, {}});
  ++it->endpoints;
  if (!name.empty()) it->names.push_back(name);
}

std::vector<std::string> gatus_notices::lines(std::string_view source) const {
  std::vector<std::string> out;
  if (!ignored_top_.empty() || !ignored_keys_.empty() || !ignored_on_tcp_.empty()) {
    std::vector<std::string> parts;
    if (!ignored_top_.empty()) parts.push_back(fmt::format("{}", fmt::join(ignored_top_, ", ")));
    if (!ignored_keys_.empty()) parts.push_back("endpoint keys: " + counted(ignored_keys_));
    if (!ignored_on_tcp_.empty()) {
      parts.push_back("keys Gatus also ignores on tcp:// and tls:// endpoints: " +
                      counted(ignored_on_tcp_));
    }
    out.push_back(
        fmt::format("{}: ignored (Gatus dashboard/alerting settings fleetcheck does not use): {}",
                    source, fmt::join(parts, "; ")));
  }
  if (!not_applied_.empty()) {
    std::vector<std::string> parts;
    for (const auto& t : not_applied_) {
      parts.push_back(fmt::format("{} ({})", t.key, names_of(t.names)));
    }
    out.push_back(fmt::format(
        "{}: not applied (Gatus client settings fleetcheck does not have; these endpoints are "
        "checked without them): {}",
        source, fmt::join(parts, ", ")));
  }
  if (!disabled_.empty()) {
    out.push_back(fmt::format("{}: not checked, disabled (enabled: false): {}", source,
                              fmt::join(disabled_, ", ")));
  }
  if (!unsupported_.empty()) {
    out.push_back(fmt::format("{}: reported as errors, fleetcheck cannot check them yet: {}",
                              source, fmt::join(unsupported_, ", ")));
  }
  if (!suites_.empty()) {
    out.push_back(fmt::format("{}: not run, suites (fleetcheck has no multi-step checks yet): {}",
                              source, fmt::join(suites_, ", ")));
  }
  return out;
}

}  // namespace fleetcheck::config
