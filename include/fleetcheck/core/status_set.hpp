#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fleetcheck::core {

/// The HTTP status codes a target may answer with and still be healthy ("expect_status").
/// Empty means the default, any 2xx.
class status_set {
 public:
  status_set() = default;

  /// Adds one item of the form "200", "2xx" or "200-299". Throws std::invalid_argument.
  void add(std::string_view item);
  void add(int code, int last_code) { ranges_.emplace_back(code, last_code); }

  bool contains(int status) const;
  /// True when nothing was added: the implicit "any 2xx".
  bool is_default() const { return ranges_.empty(); }
  /// "2xx", "200", "200,204", "200-399": for messages and reports.
  std::string describe() const;

 private:
  std::vector<std::pair<int, int>> ranges_;
};

}  // namespace fleetcheck::core
