#include "config/gatus_config.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "config/gatus_endpoint.hpp"
#include "config/gatus_notices.hpp"
#include "config/yaml_merge.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/did_you_mean.hpp"

namespace fleetcheck::config {
namespace {

// Every top-level key of Gatus's Config (config/config.go).
constexpr std::string_view gatus_top_keys[] = {"endpoints",
                                               "suites",
                                               "debug",
                                               "metrics",
                                               "skip-invalid-config-update",
                                               "disable-monitoring-lock",
                                               "concurrency",
                                               "security",
                                               "alerting",
                                               "external-endpoints",
                                               "storage",
                                               "web",
                                               "ui",
                                               "maintenance",
                                               "remote",
                                               "connectivity",
                                               "tunneling",
                                               "announcements"};

bool is_one_of(std::span<const std::string_view> keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

/// Checks the top-level keys: Gatus's own (other than endpoints and suites) are noted as
/// ignored; fleetcheck's say what to do instead; a key that only holds YAML anchors is let be.
void check_top_keys(const yaml_reader& r, const YAML::Node& document, const YAML::Node& root,
                    gatus_notices& notices) {
  for (const auto& entry : root) {
    if (!entry.first.IsScalar()) r.fail(entry.first, "", "keys must be plain names");
    const auto& key = entry.first.Scalar();
    if (key == "endpoints" || key == "suites") continue;
    if (key == "targets") {
      r.fail(entry.first, "",
             "this file has both 'targets' (a fleetcheck fleet) and 'endpoints' (a Gatus "
             "config): a file is one or the other");
    }
    if (key == "deadline" || key == "defaults") {
      r.fail(entry.first, "",
             fmt::format("'{}' is a fleetcheck key, not a Gatus one (this file is read as a Gatus "
                         "config because it has 'endpoints:'): {}",
                         key,
                         key == "deadline" ? "give --deadline"
                                           : "use a YAML anchor and '<<: *defaults' in each "
                                             "endpoint, as Gatus's README shows"));
    }
    if (is_one_of(gatus_top_keys, key)) {
      notices.ignored_top(key);
      continue;
    }
    // Gatus's README keeps `&defaults` under a key of its own; Gatus ignores unknown keys, so
    // that works there. Here a key is let be only when its anchor is used: a typo never is.
    if (holds_used_anchor(document, entry.first)) continue;
    r.fail(entry.first, "",
           fmt::format("unknown key '{}'{}", key, core::did_you_mean(key, gatus_top_keys)));
  }
}

/// Suites are Gatus's multi-step checks; their names go in the notices, as they are not run.
void note_suites(const yaml_reader& r, const YAML::Node& suites, gatus_notices& notices) {
  if (!suites || suites.IsNull()) return;
  if (!suites.IsSequence()) r.fail(suites, "", "'suites' must be a list");
  std::size_t index = 0;
  for (const auto& suite : suites) {
    std::string name = fmt::format("suites[{}]", index++);
    const auto suite_name = child(suite, "name");
    if (suite_name && suite_name.IsScalar()) {
      name = suite_name.Scalar();
      const auto group = child(suite, "group");
      if (group && group.IsScalar()) name = group.Scalar() + "/" + name;
    }
    notices.suite(std::move(name));
  }
}

}  // namespace

bool is_gatus_config(const YAML::Node& root) {
  return root.IsMap() && (child(root, "endpoints") || child(root, "suites"));
}

YAML::Node gatus_only_key(const YAML::Node& root) {
  if (!root.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& entry : root) {
    // `concurrency` is also fleetcheck's, so it says nothing about which kind a file is.
    if (entry.first.IsScalar() && entry.first.Scalar() != "concurrency" &&
        is_one_of(gatus_top_keys, entry.first.Scalar())) {
      return entry.first;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

fleet_config read_gatus_config(const YAML::Node& document, std::string_view source,
                               const settings_overlay& flags) {
  const yaml_reader r(source, env_syntax::shell);
  const auto root = with_merge_keys(r, document, "");
  gatus_notices notices;
  check_top_keys(r, document, root, notices);
  note_suites(r, child(root, "suites"), notices);

  core::check_settings inherited = gatus_client_defaults();
  if (flags) flags(inherited);
  std::vector<gatus_endpoint> endpoints;
  if (const auto list = child(root, "endpoints"); list && !list.IsNull()) {
    if (!list.IsSequence()) r.fail(list, "", "'endpoints' must be a list");
    endpoints.reserve(list.size());
    std::size_t index = 0;
    for (const auto& node : list) {
      endpoints.push_back(read_gatus_endpoint(r, node, index++, inherited));
    }
  }

  // Names are unique among all endpoints, the disabled ones too, as Gatus checks them.
  std::unordered_map<std::string_view, const core::target*> seen;
  for (const auto& e : endpoints) {
    const auto [it, inserted] = seen.emplace(e.target.name, &e.target);
    if (!inserted) {
      throw core::config_error(fmt::format(
          "{}: endpoint '{}': another endpoint has this name and group (first defined at {}); "
          "Gatus requires each pair to be unique",
          e.target.origin, e.target.name, it->second->origin));
    }
  }
  fleet_config config;
  config.targets.reserve(endpoints.size());
  for (auto& e : endpoints) {
    const auto& name = e.target.name;
    if (!e.enabled) {
      notices.disabled(name);
      continue;
    }
    for (const auto& key : e.ignored) notices.ignored_key(key);
    for (const auto& key : e.ignored_on_tcp) notices.ignored_on_tcp(key);
    for (const auto& setting : e.not_applied) notices.not_applied(setting, name);
    if (!e.unsupported.empty()) notices.unsupported(name, e.unsupported);
    config.targets.push_back(std::move(e.target));
  }
  if (config.targets.empty()) {
    const auto list = child(root, "endpoints");
    r.fail(list ? list : document, "",
           !endpoints.empty() ? "every endpoint is disabled (enabled: false): nothing to check"
           : child(root, "suites")
               ? "no endpoints: nothing to check (fleetcheck does not run Gatus "
                 "suites)"
               : "'endpoints' is empty: nothing to check");
  }
  config.notices = notices.lines(source);
  return config;
}

}  // namespace fleetcheck::config
