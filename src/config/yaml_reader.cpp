#include "config/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/did_you_mean.hpp"
#include "fleetcheck/core/secrets.hpp"

namespace fleetcheck::config {

YAML::Node child(const YAML::Node& map, std::string_view key) {
  if (map.IsDefined() && map.IsMap()) {
    for (const auto& entry : map) {
      if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
    }
  }
  // What yaml-cpp returns for a missing key, made once: it holds nothing shared (assigning to
  // it or reading it throws), so handing out copies is safe from any thread.
  static const YAML::Node absent = [] {
    const YAML::Node empty(YAML::NodeType::Map);
    return empty["(missing key)"];
  }();
  return absent;
}

void yaml_reader::fail(const YAML::Node& at, std::string_view context,
                       std::string_view message) const {
  const auto line = at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
  throw core::config_error(fmt::format(
      "{}:{}: {}{}", source_, line, context.empty() ? "" : fmt::format("{}: ", context), message));
}

std::string yaml_reader::where(const YAML::Node& at) const {
  return fmt::format("{}:{}", source_, at.Mark().line + 1);
}

void yaml_reader::check_keys(const YAML::Node& map, std::span<const std::string_view> allowed,
                             std::string_view context, std::span<const std::string_view> elsewhere,
                             std::string_view elsewhere_why) const {
  if (!map.IsMap()) fail(map, context, "expected a mapping of keys to values");
  for (const auto& entry : map) {
    if (!entry.first.IsScalar()) fail(entry.first, context, "keys must be plain names");
    const auto& key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    if (std::find(elsewhere.begin(), elsewhere.end(), key) != elsewhere.end()) {
      fail(entry.first, context, fmt::format("'{}' {}", key, elsewhere_why));
    }
    fail(entry.first, context,
         fmt::format("unknown key '{}'{}", key, core::did_you_mean(key, allowed)));
  }
}

namespace {

/// Go's os.Expand: `$` followed by one of these is a one-character variable name ($1, $*).
bool is_shell_special(char c) {
  return (c >= '0' && c <= '9') || std::string_view("*#$@!?-").find(c) != std::string_view::npos;
}
bool is_name_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

std::string yaml_reader::env_value(const YAML::Node& node, std::string_view context,
                                   std::string_view key, const std::string& name) const {
  if (name.empty()) fail(node, context, fmt::format("'{}': empty variable name in ${{}}", key));
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) {
    // Gatus would read "" here; a `$` meant literally is the usual cause, so say how to write it.
    fail(node, context,
         fmt::format("'{}' uses environment variable {} which is not set{}", key, name,
                     env_ == env_syntax::shell ? " (write $$ for a literal $)" : ""));
  }
  if (core::is_secret_name(name)) core::add_secret(env_secrets_, value);
  return value;
}

std::string yaml_reader::scalar(const YAML::Node& node, std::string_view context,
                                std::string_view key) const {
  if (!node.IsScalar()) fail(node, context, fmt::format("'{}' must be a single value", key));
  const auto& raw = node.Scalar();
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char next = i + 1 < raw.size() ? raw[i + 1] : '\0';
    if (raw[i] != '$' || next == '\0') {
      out += raw[i];
    } else if (next == '$') {
      out += '$';
      ++i;
    } else if (next == '{') {
      const auto close = raw.find('}', i + 2);
      if (close == std::string::npos) fail(node, context, fmt::format("'{}': unclosed ${{", key));
      out += env_value(node, context, key, raw.substr(i + 2, close - i - 2));
      i = close;
    } else if (env_ == env_syntax::shell && (is_shell_special(next) || is_name_char(next))) {
      // $VAR as Go reads it: a special character alone, else the longest run of name characters.
      std::size_t end = i + 2;
      if (!is_shell_special(next)) {
        while (end < raw.size() && is_name_char(raw[end])) ++end;
      }
      out += env_value(node, context, key, raw.substr(i + 1, end - i - 1));
      i = end - 1;
    } else {
      out += raw[i];
    }
  }
  return out;
}

core::duration yaml_reader::duration(const YAML::Node& node, std::string_view context,
                                     std::string_view key) const {
  const auto value = take(core::duration_from(scalar(node, context, key)), node, context, key);
  if (value.count() <= 0) fail(node, context, fmt::format("'{}' must be positive", key));
  return value;
}

long long yaml_reader::number(const YAML::Node& node, std::string_view context,
                              std::string_view key, long long least, long long most) const {
  const auto text = scalar(node, context, key);
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < least || value > most) {
    fail(
        node, context,
        fmt::format("'{}' must be a whole number from {} to {}, not '{}'", key, least, most, text));
  }
  return value;
}

bool yaml_reader::boolean(const YAML::Node& node, std::string_view context,
                          std::string_view key) const {
  const auto text = scalar(node, context, key);
  if (text == "true") return true;
  if (text == "false") return false;
  fail(node, context, fmt::format("'{}' must be true or false, not '{}'", key, text));
}

std::string yaml_reader::readable_file(const YAML::Node& node, std::string_view context,
                                       std::string_view key) const {
  auto path = scalar(node, context, key);
  std::ifstream probe(path);
  if (!probe) {
    fail(node, context, fmt::format("'{}': cannot read '{}': {}", key, path, std::strerror(errno)));
  }
  return path;
}

std::vector<std::string> yaml_reader::take_env_secrets() const {
  return std::exchange(env_secrets_, {});
}

}  // namespace fleetcheck::config
