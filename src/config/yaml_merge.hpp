#pragma once
// Internal: the YAML conveniences Gatus configs rely on that yaml-cpp 0.7 does not give: merge
// keys (`<<: *defaults`, as Gatus's README recommends), and anchors kept under keys of their own.

#include <string_view>

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.hpp"

namespace fleetcheck::config {

/// `map` with its YAML merge key applied as yaml.v3 (Gatus's parser) applies it: the map's own
/// keys win, then those of the merged maps in order (`<<: [*a, *b]`: a's before b's); merged maps
/// may merge others. Anything that is not a mapping with `<<` is returned as it is. Keys and
/// values keep their nodes, so messages still name their lines.
YAML::Node with_merge_keys(const yaml_reader& r, const YAML::Node& map, std::string_view context);

/// Whether the value of the top-level key `key` of `root` holds an anchor that the other keys'
/// values use through an alias (`default-endpoint: &defaults {...}` with `<<: *defaults` in an
/// endpoint): such a key is there for YAML's sake, and Gatus ignores it.
bool holds_used_anchor(const YAML::Node& root, const YAML::Node& key);

}  // namespace fleetcheck::config
