#pragma once
// Which targets something applies to: an alert route, a maintenance window, a silence.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fleetcheck/core/expected.hpp"

namespace fleetcheck::alert {

/// Target names and group names, each exact or a glob (`*`, `?`, `[a-z]`, `\` escapes: the
/// syntax of conditions' pat()). A target is selected when its name matches one of `targets` or
/// its group one of `groups`; a selector with neither selects every target. Immutable and cheap to
/// copy (the compiled patterns are shared); thread-safe.
class selector {
 public:
  /// Selects everything.
  selector();
  /// Compiles the patterns, or says which one is malformed.
  static core::expected<selector> make(std::vector<std::string> targets,
                                       std::vector<std::string> groups);

  bool selects(std::string_view target, std::string_view group) const;
  bool selects_all() const { return targets_.empty() && groups_.empty(); }

  const std::vector<std::string>& targets() const { return targets_; }
  const std::vector<std::string>& groups() const { return groups_; }

 private:
  struct compiled;
  std::vector<std::string> targets_;
  std::vector<std::string> groups_;
  std::shared_ptr<const compiled> compiled_;
};

}  // namespace fleetcheck::alert
