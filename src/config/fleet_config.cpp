#include "fleetcheck/config/fleet_config.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "alert/alerting_reader.hpp"
#include "config/gatus_config.hpp"
#include "config/settings_keys.hpp"
#include "config/yaml_reader.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/secrets.hpp"

namespace fleetcheck::config {
namespace {

using core::config_error;

// `alerting:` and `maintenance:` are serve's (alert::read_alerting); `check` reads and ignores
// them.
constexpr std::string_view top_keys[] = {"deadline", "concurrency", "defaults",
                                         "targets",  "alerting",    "maintenance"};
static_assert(std::size(alert::alerting_top_keys) == 2 &&
              alert::alerting_top_keys[0] == "alerting" &&
              alert::alerting_top_keys[1] == "maintenance");

core::target read_target(const yaml_reader& r, const YAML::Node& node, std::size_t index,
                         const core::check_settings& inherited) {
  std::string context = fmt::format("targets[{}]", index);
  if (!node.IsMap()) r.fail(node, context, "expected a mapping with at least 'url'");
  std::string name;
  if (const auto n = child(node, "name")) {
    name = r.scalar(n, context, "name");
    if (name.empty()) r.fail(n, context, "'name' must not be empty");
    context = fmt::format("target '{}'", name);
  }
  const auto url_node = child(node, "url");
  if (!url_node) r.fail(node, context, "missing 'url'");
  auto t =
      r.take(target_from_url(r.scalar(url_node, context, "url"), inherited), url_node, context, "");

  // Which keys a target may use follows from its protocol; a key of another protocol gets a
  // message that says so rather than "unknown".
  std::vector<std::string_view> allowed(common_target_keys().begin(), common_target_keys().end());
  const auto own = protocol_keys(t.spec);
  allowed.insert(allowed.end(), own.begin(), own.end());
  if (const auto n = child(node, "reuse_connection"); n && !t.can_keep_connection()) {
    // A stream or TLS check's connection is what it checks: say so rather than "does not apply".
    r.fail(n, context,
           fmt::format("'reuse_connection' does not apply to {} targets (http(s):// and "
                       "grpc(s):// checks keep their connection; a {} check opens a fresh one "
                       "every round)",
                       protocol_label(t.spec), protocol_label(t.spec)));
  }
  r.check_keys(node, allowed, context, all_settings_keys(),
               fmt::format("does not apply to {} targets", protocol_label(t.spec)));
  read_settings(r, node, context, t.settings);

  if (!name.empty()) t.name = std::move(name);
  if (const auto n = child(node, "group")) t.group = r.scalar(n, context, "group");
  t.url = core::redact(t.url, t.settings.secrets);
  t.name = core::redact(t.name, t.settings.secrets);
  t.origin = r.where(node);
  return t;
}

fleet_config read_fleet(const yaml_reader& r, const YAML::Node& root,
                        const settings_overlay& flags) {
  if (const auto key = gatus_only_key(root); key && !child(root, "targets")) {
    r.fail(key, "",
           fmt::format("'{}' is a Gatus key, but this file has no 'endpoints:' (Gatus can merge a "
                       "directory of files; fleetcheck reads one): give the file with the "
                       "endpoints, or list them in this one",
                       key.Scalar()));
  }
  r.check_keys(root, top_keys, "");
  fleet_config config;
  if (const auto n = child(root, "deadline")) config.deadline = r.duration(n, "", "deadline");
  if (const auto n = child(root, "concurrency")) {
    config.concurrency = static_cast<std::size_t>(r.number(n, "", "concurrency", 1, 1'000'000));
  }
  core::check_settings inherited;
  if (const auto n = child(root, "defaults")) {
    r.check_keys(n, all_settings_keys(), "defaults");
    read_settings(r, n, "defaults", inherited);
  }
  if (flags) flags(inherited);
  const auto targets = child(root, "targets");
  if (!targets) {
    r.fail(root, "",
           "missing 'targets': list the services to check (a Gatus config has 'endpoints:')");
  }
  if (!targets.IsSequence()) r.fail(targets, "", "'targets' must be a list");
  if (targets.size() == 0) r.fail(targets, "", "'targets' is empty: nothing to check");
  config.targets.reserve(targets.size());
  std::size_t index = 0;
  for (const auto& node : targets) {
    config.targets.push_back(read_target(r, node, index++, inherited));
  }
  check_unique_names(config.targets);
  config.alerting = alert::read_alerting(r, root);
  return config;
}

}  // namespace

core::expected<std::size_t> parse_size(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (digits == 0 || ec != std::errc{}) {
    return core::unexpected{fmt::format("invalid size '{}': expected e.g. 64KiB, 1MiB", text)};
  }
  auto unit = text.substr(digits);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  static const std::unordered_map<std::string_view, std::size_t> units = {
      {"", 1},
      {"B", 1},
      {"kB", 1000},
      {"KB", 1000},
      {"KiB", 1024},
      {"MB", 1000 * 1000},
      {"MiB", 1024 * 1024},
      {"GB", 1000 * 1000 * 1000},
      {"GiB", 1024 * 1024 * 1024}};
  const auto it = units.find(unit);
  if (it == units.end()) {
    return core::unexpected{fmt::format(
        "invalid size '{}': unknown unit '{}' (use B, KiB, MiB, GiB, kB, MB, GB)", text, unit)};
  }
  if (value == 0) return core::unexpected{fmt::format("invalid size '{}': must be > 0", text)};
  if (value > (std::size_t{1} << 50) / it->second) {
    return core::unexpected{fmt::format("invalid size '{}': too large", text)};
  }
  return value * it->second;
}

fleet_config parse_config(std::string_view yaml, std::string_view source,
                          const settings_overlay& flags) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw config_error(fmt::format("{}:{}: malformed YAML: {}", source, e.mark.line + 1, e.msg));
  }
  yaml_reader r(source);
  if (!root || root.IsNull()) throw config_error(fmt::format("{}: the file is empty", source));
  try {
    if (is_gatus_config(root)) return read_gatus_config(root, source, flags);
    return read_fleet(r, root, flags);
  } catch (const YAML::Exception& e) {
    // e.g. a key that is itself a list: still a config error with a line, never a crash.
    throw config_error(fmt::format("{}:{}: invalid structure: {}", source, e.mark.line + 1, e.msg));
  }
}

fleet_config load_config_file(const std::string& path, const settings_overlay& flags) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw config_error(fmt::format("{}: is a directory, not a config file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw config_error(fmt::format("{}: cannot read config file: {}", path, std::strerror(errno)));
  }
  std::string text;
  try {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {
    throw config_error(fmt::format("{}: cannot read config file: {}", path, e.what()));
  }
  if (in.bad()) throw config_error(fmt::format("{}: cannot read config file", path));
  return parse_config(text, path, flags);
}

std::vector<core::target> parse_url_list(std::istream& in, std::string_view source,
                                         const core::check_settings& settings) {
  std::vector<core::target> targets;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const auto last = line.find_last_not_of(" \t\r");
    const auto url = std::string_view(line).substr(first, last - first + 1);
    auto t = target_from_url(url, settings);
    if (!t) throw config_error(fmt::format("{}:{}: {}", source, number, t.error()));
    t->origin = fmt::format("{}:{}", source, number);
    targets.push_back(std::move(*t));
  }
  return targets;
}

void check_unique_names(const std::vector<core::target>& targets) {
  std::unordered_map<std::string_view, const core::target*> seen;
  seen.reserve(targets.size());
  for (const auto& t : targets) {
    const auto [it, inserted] = seen.emplace(t.name, &t);
    if (!inserted) {
      throw config_error(fmt::format("{}: duplicate target name '{}' (first defined at {})",
                                     t.origin, t.name, it->second->origin));
    }
  }
}

}  // namespace fleetcheck::config
