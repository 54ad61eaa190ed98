#include "fleetcheck/config/fleet_config.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <span>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/core/config_error.hpp"

namespace fleetcheck::config {
namespace {

using core::config_error;

constexpr std::string_view top_keys[] = {"deadline", "concurrency", "defaults", "targets"};
constexpr std::string_view default_keys[] = {
    "timeout", "method",     "headers",          "body",       "expect_status", "max_body", "tls",
    "retries", "conditions", "follow_redirects", "basic_auth", "bearer_token"};
constexpr std::string_view target_keys[] = {
    "name",          "url",          "method", "headers", "body",       "timeout",
    "expect_status", "max_body",     "tls",    "retries", "conditions", "follow_redirects",
    "basic_auth",    "bearer_token", "send",   "expect"};
constexpr std::string_view tls_keys[] = {"ca_file", "server_name", "insecure_skip_verify",
                                         "cert_file", "key_file"};
constexpr std::string_view basic_auth_keys[] = {"username", "password"};
// Keys that make no sense for a tcp:// target.
constexpr std::string_view http_only_keys[] = {"method",        "headers",      "body",
                                               "expect_status", "max_body",     "follow_redirects",
                                               "basic_auth",    "bearer_token", "tls"};

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// Reads one YAML document and remembers where it came from, so that every error names file:line.
class reader {
 public:
  explicit reader(std::string_view source) : source_(source) {}

  [[noreturn]] void fail(const YAML::Node& at, std::string_view context,
                         std::string_view message) const {
    const auto line = at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
    throw config_error(fmt::format("{}:{}: {}{}", source_, line,
                                   context.empty() ? "" : fmt::format("{}: ", context), message));
  }

  void take_env_secrets(std::vector<std::string>& into) const {
    for (auto& secret : env_secrets_) add_secret(into, std::move(secret));
    env_secrets_.clear();
  }

  std::string where(const YAML::Node& at) const {
    return fmt::format("{}:{}", source_, at.Mark().line + 1);
  }

  void check_keys(const YAML::Node& map, std::span<const std::string_view> allowed,
                  std::string_view context) const {
    if (!map.IsMap()) fail(map, context, "expected a mapping of keys to values");
    for (const auto& entry : map) {
      const auto key = entry.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string hint;
      for (const auto candidate : allowed) {
        if (edit_distance(key, candidate) <= 2)
          hint = fmt::format(" (did you mean '{}'?)", candidate);
      }
      fail(entry.first, context, fmt::format("unknown key '{}'{}", key, hint));
    }
  }

  /// A scalar with ${VAR} replaced from the environment; a missing variable is an error, never "".
  std::string scalar(const YAML::Node& node, std::string_view context, std::string_view key) const {
    if (!node.IsScalar()) fail(node, context, fmt::format("'{}' must be a single value", key));
    const auto& raw = node.Scalar();
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '$' && i + 1 < raw.size() && raw[i + 1] == '$') {
        out += '$';
        ++i;
      } else if (raw[i] == '$' && i + 1 < raw.size() && raw[i + 1] == '{') {
        const auto close = raw.find('}', i + 2);
        if (close == std::string::npos) fail(node, context, fmt::format("'{}': unclosed ${{", key));
        const auto name = raw.substr(i + 2, close - i - 2);
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) {
          fail(node, context,
               fmt::format("'{}' uses environment variable {} which is not set", key, name));
        }
        if (is_secret_name(name)) add_secret(env_secrets_, value);
        out += value;
        i = close;
      } else {
        out += raw[i];
      }
    }
    return out;
  }

  core::duration duration(const YAML::Node& node, std::string_view context,
                          std::string_view key) const {
    try {
      const auto value = core::parse_duration(scalar(node, context, key));
      if (value.count() <= 0) fail(node, context, fmt::format("'{}' must be positive", key));
      return value;
    } catch (const std::invalid_argument& e) {
      fail(node, context, fmt::format("'{}': {}", key, e.what()));
    }
  }

  std::size_t count(const YAML::Node& node, std::string_view context, std::string_view key) const {
    const auto text = scalar(node, context, key);
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value == 0) {
      fail(node, context, fmt::format("'{}' must be a positive whole number, not '{}'", key, text));
    }
    return value;
  }

  int small_count(const YAML::Node& node, std::string_view context, std::string_view key,
                  int most) const {
    const auto text = scalar(node, context, key);
    int value = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > most) {
      fail(node, context,
           fmt::format("'{}' must be a whole number from 0 to {}, not '{}'", key, most, text));
    }
    return value;
  }

  bool boolean(const YAML::Node& node, std::string_view context, std::string_view key) const {
    const auto text = scalar(node, context, key);
    if (text == "true") return true;
    if (text == "false") return false;
    fail(node, context, fmt::format("'{}' must be true or false, not '{}'", key, text));
  }

  /// A file that must exist and be readable: checked now, so the mistake names its line.
  std::string readable_file(const YAML::Node& node, std::string_view context,
                            std::string_view key) const {
    auto path = scalar(node, context, key);
    std::ifstream probe(path);
    if (!probe) {
      fail(node, context,
           fmt::format("'{}': cannot read '{}': {}", key, path, std::strerror(errno)));
    }
    return path;
  }

  void tls_keys_into(const YAML::Node& n, std::string_view context, core::tls_settings& tls) const {
    check_keys(n, tls_keys, fmt::format("{}{}tls", context, context.empty() ? "" : ": "));
    if (const auto v = n["ca_file"]) tls.ca_file = readable_file(v, context, "ca_file");
    if (const auto v = n["cert_file"]) tls.cert_file = readable_file(v, context, "cert_file");
    if (const auto v = n["key_file"]) tls.key_file = readable_file(v, context, "key_file");
    if (const auto v = n["server_name"]) tls.server_name = scalar(v, context, "server_name");
    if (const auto v = n["insecure_skip_verify"]) {
      tls.insecure_skip_verify = boolean(v, context, "insecure_skip_verify");
    }
    if (tls.cert_file.empty() != tls.key_file.empty()) {
      fail(n, context, "tls: cert_file and key_file go together (mTLS needs both)");
    }
  }

  /// Overlays the request keys a target and `defaults:` share.
  void request_keys(const YAML::Node& map, std::string_view context, target_defaults& into) const {
    if (const auto n = map["timeout"]) into.timeout = duration(n, context, "timeout");
    if (const auto n = map["method"]) {
      into.request.method = scalar(n, context, "method");
      std::transform(into.request.method.begin(), into.request.method.end(),
                     into.request.method.begin(), [](unsigned char c) { return std::toupper(c); });
      if (into.request.method.empty() || into.request.method.find_first_not_of(
                                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
        fail(n, context, fmt::format("invalid method '{}'", into.request.method));
      }
    }
    if (const auto n = map["headers"]) {
      if (!n.IsMap()) fail(n, context, "'headers' must be a mapping of header names to values");
      for (const auto& h : n) {
        const auto name = h.first.as<std::string>();
        if (name.empty() || name.find_first_of(" \t\r\n:") != std::string::npos) {
          fail(h.first, context, fmt::format("invalid header name '{}'", name));
        }
        auto value = scalar(h.second, context, name);
        if (value.find_first_of("\r\n") != std::string::npos) {
          fail(h.second, context, fmt::format("header '{}' contains a line break", name));
        }
        if (is_secret_name(name)) add_secret(into.secrets, value);
        set_header(into.request, name, std::move(value));
      }
    }
    if (const auto n = map["basic_auth"]) {
      check_keys(n, basic_auth_keys, context);
      if (!n["username"]) fail(n, context, "basic_auth needs a username");
      core::target holder;
      holder.request = into.request;
      holder.secrets = into.secrets;
      set_basic_auth(holder, scalar(n["username"], context, "username"),
                     n["password"] ? scalar(n["password"], context, "password") : "");
      into.request = std::move(holder.request);
      into.secrets = std::move(holder.secrets);
    }
    if (const auto n = map["bearer_token"]) {
      auto token = scalar(n, context, "bearer_token");
      if (token.empty()) fail(n, context, "'bearer_token' is empty");
      add_secret(into.secrets, token);
      set_header(into.request, "Authorization", "Bearer " + token);
    }
    if (const auto n = map["tls"]) tls_keys_into(n, context, into.tls);
    if (const auto n = map["retries"]) into.retries = small_count(n, context, "retries", 10);
    if (const auto n = map["follow_redirects"]) {
      into.follow_redirects = small_count(n, context, "follow_redirects", 20);
    }
    if (const auto n = map["conditions"]) {
      if (!n.IsSequence())
        fail(n, context, "'conditions' must be a list, e.g. ['[STATUS] == 200']");
      into.conditions.clear();
      for (const auto& item : n) {
        try {
          into.conditions.push_back(
              conditions::condition::parse(scalar(item, context, "conditions")));
        } catch (const conditions::condition_error& e) {
          fail(item, context, e.what());
        }
      }
    }
    if (const auto n = map["body"]) into.request.body = scalar(n, context, "body");
    if (const auto n = map["expect_status"]) {
      core::status_set set;
      const auto add = [&](const YAML::Node& item) {
        try {
          set.add(scalar(item, context, "expect_status"));
        } catch (const std::invalid_argument& e) {
          fail(item, context, fmt::format("'expect_status': {}", e.what()));
        }
      };
      if (n.IsSequence()) {
        if (n.size() == 0) fail(n, context, "'expect_status' must not be empty");
        for (const auto& item : n) add(item);
      } else {
        add(n);
      }
      into.expect_status = set;
    }
    if (const auto n = map["max_body"]) {
      try {
        into.max_body_bytes = parse_size(scalar(n, context, "max_body"));
      } catch (const std::invalid_argument& e) {
        fail(n, context, fmt::format("'max_body': {}", e.what()));
      }
    }
  }

  core::target target(const YAML::Node& node, std::size_t index,
                      const target_defaults& defaults) const {
    std::string context = fmt::format("targets[{}]", index);
    if (node.IsMap()) {
      if (const auto n = node["name"]) {
        context = fmt::format("target '{}'", scalar(n, context, "name"));
      }
    }
    check_keys(node, target_keys, context);
    const auto url_node = node["url"];
    if (!url_node) fail(node, context, "missing 'url'");
    env_secrets_.clear();
    target_defaults merged = defaults;
    request_keys(node, context, merged);
    core::target t;
    try {
      t = target_from_url(scalar(url_node, context, "url"), merged);
    } catch (const std::invalid_argument& e) {
      fail(url_node, context, e.what());
    }
    if (t.kind == core::target_kind::tcp) {
      for (const auto key : http_only_keys) {
        if (const auto n = node[std::string(key)]) {
          fail(n, context, fmt::format("'{}' does not apply to tcp:// targets", key));
        }
      }
      if (const auto n = node["send"]) t.tcp.send = unescape(scalar(n, context, "send"));
      if (const auto n = node["expect"]) t.tcp.expect = unescape(scalar(n, context, "expect"));
    } else {
      for (const auto key : {"send", "expect"}) {
        if (const auto n = node[key]) {
          fail(n, context, fmt::format("'{}' applies to tcp:// targets only", key));
        }
      }
    }
    if (const auto n = node["name"]) {
      t.name = scalar(n, context, "name");
      if (t.name.empty()) fail(n, context, "'name' must not be empty");
    }
    for (auto& secret : env_secrets_) add_secret(t.secrets, std::move(secret));
    t.url = redact(t.url, t.secrets);
    t.name = redact(t.name, t.secrets);
    t.origin = where(node);
    return t;
  }

 private:
  /// "\r\n" and "\n" in TCP send/expect strings, so that line protocols can be spoken.
  static std::string unescape(const std::string& in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i] == '\\' && i + 1 < in.size()) {
        const char c = in[++i];
        out += c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
      } else {
        out += in[i];
      }
    }
    return out;
  }

  std::string source_;
  mutable std::vector<std::string> env_secrets_;  // values of secret-looking ${VAR}s, per target
};

}  // namespace

std::size_t parse_size(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (digits == 0 || ec != std::errc{}) {
    throw std::invalid_argument(fmt::format("invalid size '{}': expected e.g. 64KiB, 1MiB", text));
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
      {"GiB", 1024 * 1024 * 1024}};
  const auto it = units.find(unit);
  if (it == units.end()) {
    throw std::invalid_argument(
        fmt::format("invalid size '{}': unknown unit '{}' (use B, KiB, MiB, kB, MB)", text, unit));
  }
  if (value == 0) throw std::invalid_argument(fmt::format("invalid size '{}': must be > 0", text));
  return value * it->second;
}

namespace {
fleet_config read_fleet(const reader& r, const YAML::Node& root,
                        const target_defaults& cli_defaults);
}  // namespace

fleet_config parse_config(std::string_view yaml, std::string_view source,
                          const target_defaults& cli_defaults) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw config_error(fmt::format("{}:{}: malformed YAML: {}", source, e.mark.line + 1, e.msg));
  }
  reader r(source);
  if (!root || root.IsNull()) throw config_error(fmt::format("{}: the file is empty", source));
  try {
    return read_fleet(r, root, cli_defaults);
  } catch (const YAML::Exception& e) {
    // e.g. a key that is itself a list: still a config error with a line, never a crash.
    throw config_error(fmt::format("{}:{}: invalid structure: {}", source, e.mark.line + 1, e.msg));
  }
}

namespace {

fleet_config read_fleet(const reader& r, const YAML::Node& root,
                        const target_defaults& cli_defaults) {
  r.check_keys(root, top_keys, "");

  fleet_config config;
  if (const auto n = root["deadline"]) config.deadline = r.duration(n, "", "deadline");
  if (const auto n = root["concurrency"]) config.concurrency = r.count(n, "", "concurrency");

  target_defaults defaults = cli_defaults;
  if (const auto n = root["defaults"]) {
    r.check_keys(n, default_keys, "defaults");
    r.request_keys(n, "defaults", defaults);
    r.take_env_secrets(defaults.secrets);
  }
  const auto targets = root["targets"];
  if (!targets) r.fail(root, "", "missing 'targets': list the services to check");
  if (!targets.IsSequence()) r.fail(targets, "", "'targets' must be a list");
  if (targets.size() == 0) r.fail(targets, "", "'targets' is empty: nothing to check");
  config.targets.reserve(targets.size());
  std::size_t index = 0;
  for (const auto& node : targets) config.targets.push_back(r.target(node, index++, defaults));
  check_unique_names(config.targets);
  return config;
}

}  // namespace

fleet_config load_config_file(const std::string& path, const target_defaults& defaults) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw config_error(fmt::format("{}: cannot read config file: {}", path, std::strerror(errno)));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw config_error(fmt::format("{}: cannot read config file", path));
  return parse_config(text, path, defaults);
}

std::vector<core::target> parse_url_list(std::istream& in, std::string_view source,
                                         const target_defaults& defaults) {
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
    try {
      targets.push_back(target_from_url(url, defaults));
    } catch (const std::invalid_argument& e) {
      throw config_error(fmt::format("{}:{}: {}", source, number, e.what()));
    }
    targets.back().origin = fmt::format("{}:{}", source, number);
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
