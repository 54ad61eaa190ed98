#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace fleetcheck::conditions::detail {

/// One step of a [BODY] path: `.key` or `[index]`.
struct path_segment {
  std::string key;  // empty for an index step
  std::size_t index = 0;
  bool is_index = false;
};

/// The steps after [BODY]; empty means the whole body.
using json_path = std::vector<path_segment>;

/// The path as written after [BODY], e.g. ".data.items[0].id".
std::string format_path(const json_path& path);

/// The value the path leads to, or nullptr when a key or index does not exist or a step meets
/// the wrong kind of value (a key on an array, an index on an object).
const nlohmann::json* resolve(const nlohmann::json& root, const json_path& path);

}  // namespace fleetcheck::conditions::detail
