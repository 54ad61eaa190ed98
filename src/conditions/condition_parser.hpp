#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "glob.hpp"
#include "json_path.hpp"
#include "placeholder.hpp"
#include "value.hpp"

namespace fleetcheck::conditions::detail {

enum class comparison { eq, ne, lt, le, gt, ge };

/// len(...) and has(...) wrap a placeholder; they work on [BODY] and on the text placeholders.
enum class function { none, len, has };

/// Something read from the observation: a placeholder, with a [BODY] path, maybe inside
/// len()/has().
struct subject {
  placeholder name = placeholder::status;
  function fn = function::none;
  json_path path;    // [BODY] only
  std::string text;  // canonical, e.g. "len([BODY].items)", "[STATUS]"
};

/// The type a subject's value has: len() is a number and has() a boolean, whatever they wrap.
value_type type_of(const subject& s);

/// A value written in the condition, already converted to the type of the placeholder it is
/// compared with ([BODY] values stay text and are read when the body arrives).
struct literal {
  value_type type = value_type::text;
  number num;  // [RESPONSE_TIME] durations are stored here in milliseconds
  bool boolean = false;
  std::chrono::nanoseconds duration{};
  std::string text;  // as written; the value itself for value_type::text
};

/// One side of a condition.
struct operand {
  enum class kind { subject, literal, any, pattern };
  kind type = kind::literal;
  subject read;                 // kind::subject
  std::vector<literal> values;  // kind::literal (one value) and kind::any (one or more)
  std::optional<glob> pattern;  // kind::pattern
  std::string text;             // canonical, as descriptions show it: "200", "any(200, 201)"
};

struct parsed_condition {
  std::string text;  // as given
  operand left;
  comparison op = comparison::eq;
  operand right;  // at least one side is a subject
};

/// Throws condition_error.
parsed_condition parse_condition(std::string_view text);

std::string_view to_string(comparison op);

/// Ordering operators need values that have an order; == and != do not.
inline bool is_ordering(comparison op) {
  return op != comparison::eq && op != comparison::ne;
}

}  // namespace fleetcheck::conditions::detail
