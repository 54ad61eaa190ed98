#include "config/yaml_merge.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace fleetcheck::config {
namespace {

/// Deeper merge chains than this are a cycle (`&a {<<: *a}`) or an attack, not a config.
constexpr int most_merge_depth = 32;

bool is_merge_key(const YAML::Node& key) {
  // A quoted "<<" is an ordinary key (its tag is "!"), as in YAML 1.1.
  return key.IsScalar() && key.Scalar() == "<<" && key.Tag() != "!";
}

YAML::Node merged(const yaml_reader& r, const YAML::Node& map, std::string_view context,
                  int depth) {
  if (!map.IsMap()) return map;
  // Not a default-constructed Node: that one is a defined null, and assigning to it would alias.
  std::vector<YAML::Node> merges;
  for (const auto& entry : map) {
    if (is_merge_key(entry.first)) merges.push_back(entry.second);
  }
  if (merges.empty()) return map;
  const auto& merge = merges.back();
  if (depth > most_merge_depth) r.fail(map, context, "YAML merge keys ('<<') nested too deeply");

  YAML::Node out(YAML::NodeType::Map);
  std::set<std::string> seen;
  const auto add = [&](const YAML::Node& key, const YAML::Node& value) {
    if (key.IsScalar() && !seen.insert(key.Scalar()).second) return;  // an earlier one wins
    out.force_insert(key, value);
  };
  for (const auto& entry : map) {
    if (!is_merge_key(entry.first)) add(entry.first, entry.second);
  }
  const auto merge_one = [&](const YAML::Node& source) {
    if (!source.IsMap()) {
      r.fail(source, context, "'<<' (YAML merge key) takes a mapping or a list of mappings");
    }
    for (const auto& entry : merged(r, source, context, depth + 1)) add(entry.first, entry.second);
  };
  if (merge.IsSequence()) {
    for (const auto& source : merge) merge_one(source);
  } else {
    merge_one(merge);
  }
  return out;
}

/// The distinct nodes of a document, by identity: aliases make a document a graph, and walking it
/// as a tree could take exponential time ("billion laughs").
class node_set {
 public:
  /// False when `node` was already in the set.
  bool insert(const YAML::Node& node) {
    if (contains(node)) return false;
    by_position_[node.Mark().pos].push_back(node);
    return true;
  }
  bool contains(const YAML::Node& node) const {
    const auto it = by_position_.find(node.Mark().pos);
    if (it == by_position_.end()) return false;
    for (const auto& other : it->second) {
      if (other.is(node)) return true;
    }
    return false;
  }

 private:
  std::unordered_map<int, std::vector<YAML::Node>> by_position_;
};

/// Calls `visit` on every node under `root` once; stops early when `visit` returns true.
template <class Visit>
bool any_node(const YAML::Node& root, node_set& seen, const Visit& visit) {
  std::vector<YAML::Node> stack{root};
  while (!stack.empty()) {
    const auto node = stack.back();
    stack.pop_back();
    if (!node || !seen.insert(node)) continue;
    if (visit(node)) return true;
    if (node.IsMap()) {
      for (const auto& entry : node) {
        stack.push_back(entry.first);
        stack.push_back(entry.second);
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) stack.push_back(item);
    }
  }
  return false;
}

}  // namespace

YAML::Node with_merge_keys(const yaml_reader& r, const YAML::Node& map, std::string_view context) {
  return merged(r, map, context, 0);
}

bool holds_used_anchor(const YAML::Node& root, const YAML::Node& key) {
  node_set inside;
  for (const auto& entry : root) {
    if (entry.first.is(key))
      any_node(entry.second, inside, [](const YAML::Node&) { return false; });
  }
  node_set walked;
  for (const auto& entry : root) {
    if (entry.first.is(key)) continue;
    if (any_node(entry.second, walked, [&](const YAML::Node& n) { return inside.contains(n); })) {
      return true;
    }
  }
  return false;
}

}  // namespace fleetcheck::config
