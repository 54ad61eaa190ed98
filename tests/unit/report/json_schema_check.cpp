#include "json_schema_check.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace fleetcheck::testkit {
namespace {

using nlohmann::json;

const std::set<std::string, std::less<>> annotations = {"$schema",    "$id",      "$comment",
                                                        "$defs",      "title",    "description",
                                                        "deprecated", "examples", "format"};

bool has_type(const json& instance, std::string_view type) {
  if (type == "null") return instance.is_null();
  if (type == "boolean") return instance.is_boolean();
  if (type == "string") return instance.is_string();
  if (type == "array") return instance.is_array();
  if (type == "object") return instance.is_object();
  if (type == "number") return instance.is_number();
  if (type == "integer") {
    // JSON Schema counts 2.0 as an integer: the value matters, not how it was written.
    if (instance.is_number_integer()) return true;
    if (!instance.is_number_float()) return false;
    const double d = instance.get<double>();
    return d == static_cast<double>(static_cast<long long>(d));
  }
  return false;
}

class validator {
 public:
  explicit validator(const json& root) : root_(root) {}

  void check(const json& schema, const json& instance, const std::string& path) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) fail(path, "no value is allowed here");
      return;
    }
    if (!schema.is_object()) {
      fail(path, "the schema here is neither an object nor a boolean");
      return;
    }
    for (const auto& [keyword, value] : schema.items()) {
      if (annotations.count(keyword) > 0) continue;
      if (keyword == "$ref") {
        if (const json* target = resolve(value)) {
          check(*target, instance, path);
        } else {
          fail(path, "unresolvable $ref " + value.dump());
        }
      } else if (keyword == "type") {
        check_type(value, instance, path);
      } else if (keyword == "enum") {
        if (std::find(value.begin(), value.end(), instance) == value.end()) {
          fail(path, instance.dump() + " is not one of " + value.dump());
        }
      } else if (keyword == "const") {
        if (instance != value) fail(path, instance.dump() + " is not " + value.dump());
      } else if (keyword == "minimum") {
        if (instance.is_number() && instance.get<double>() < value.get<double>()) {
          fail(path, instance.dump() + " is below the minimum " + value.dump());
        }
      } else if (keyword == "pattern") {
        // ECMA-262 regular expressions, unanchored: std::regex's default grammar is ECMAScript.
        if (instance.is_string() &&
            !std::regex_search(instance.get<std::string>(), std::regex(value.get<std::string>()))) {
          fail(path, instance.dump() + " does not match " + value.dump());
        }
      } else if (keyword == "oneOf") {
        check_one_of(value, instance, path);
      } else if (keyword == "properties" || keyword == "required" ||
                 keyword == "additionalProperties") {
        // Checked together below: additionalProperties depends on properties.
      } else if (keyword == "items") {
        if (instance.is_array()) {
          for (std::size_t i = 0; i < instance.size(); ++i) {
            check(value, instance[i], path + "/" + std::to_string(i));
          }
        }
      } else {
        fail(path, "the schema uses the unsupported keyword '" + keyword + "'");
      }
    }
    if (instance.is_object()) check_object(schema, instance, path);
  }

  std::vector<std::string> violations;

 private:
  void fail(const std::string& path, const std::string& what) {
    violations.push_back((path.empty() ? "/" : path) + ": " + what);
  }

  const json* resolve(const json& ref) const {
    if (!ref.is_string()) return nullptr;
    const auto text = ref.get<std::string>();
    if (text == "#") return &root_;
    const std::string prefix = "#/$defs/";
    if (text.rfind(prefix, 0) != 0 || !root_.contains("$defs")) return nullptr;
    const auto& defs = root_["$defs"];
    const auto it = defs.find(text.substr(prefix.size()));
    return it == defs.end() ? nullptr : &*it;
  }

  void check_type(const json& type, const json& instance, const std::string& path) {
    const bool ok = type.is_string() ? has_type(instance, type.get<std::string>())
                                     : std::any_of(type.begin(), type.end(), [&](const json& t) {
                                         return has_type(instance, t.get<std::string>());
                                       });
    if (!ok) fail(path, instance.dump() + " is not of type " + type.dump());
  }

  void check_one_of(const json& options, const json& instance, const std::string& path) {
    int matches = 0;
    for (const auto& option : options) {
      validator v(root_);
      v.check(option, instance, path);
      if (v.violations.empty()) ++matches;
    }
    if (matches != 1) {
      fail(path, "matches " + std::to_string(matches) + " of the oneOf schemas, not exactly 1");
    }
  }

  void check_object(const json& schema, const json& instance, const std::string& path) {
    static const json none = json::object();
    const auto& properties = schema.contains("properties") ? schema["properties"] : none;
    if (schema.contains("required")) {
      for (const auto& name : schema["required"]) {
        if (!instance.contains(name.get<std::string>())) {
          fail(path, "the required property '" + name.get<std::string>() + "' is missing");
        }
      }
    }
    for (const auto& [name, value] : instance.items()) {
      const auto child = path + "/" + name;
      if (properties.contains(name)) {
        check(properties[name], value, child);
      } else if (schema.contains("additionalProperties")) {
        const auto& extra = schema["additionalProperties"];
        if (extra.is_boolean() && !extra.get<bool>()) {
          fail(child, "the property '" + name + "' is not allowed");
        } else {
          check(extra, value, child);
        }
      }
    }
  }

  const json& root_;
};

}  // namespace

std::vector<std::string> schema_violations(const json& schema, const json& doc,
                                           std::string_view at) {
  validator v(schema);
  v.check(json{{"$ref", std::string(at)}}, doc, "");
  return std::move(v.violations);
}

}  // namespace fleetcheck::testkit
