#include "json_path.hpp"

#include <nlohmann/json.hpp>

namespace fleetcheck::conditions::detail {

std::string format_path(const json_path& path) {
  std::string out;
  for (const auto& segment : path) {
    if (segment.is_index) {
      out += '[';
      out += std::to_string(segment.index);
      out += ']';
    } else {
      out += '.';
      out += segment.key;
    }
  }
  return out;
}

const nlohmann::json* resolve(const nlohmann::json& root, const json_path& path) {
  const nlohmann::json* node = &root;
  for (const auto& segment : path) {
    if (segment.is_index) {
      if (!node->is_array() || segment.index >= node->size()) return nullptr;
      node = &(*node)[segment.index];
    } else {
      if (!node->is_object()) return nullptr;
      const auto found = node->find(segment.key);
      if (found == node->end()) return nullptr;
      node = &*found;
    }
  }
  return node;
}

}  // namespace fleetcheck::conditions::detail
