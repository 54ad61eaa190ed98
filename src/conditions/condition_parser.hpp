#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json_path.hpp"

namespace fleetcheck::conditions::detail {

/// What the left-hand side reads from an observation.
enum class subject_kind {
  status,
  response_time,
  connected,
  certificate_expiration,
  body,         // [BODY] or [BODY].path
  body_length,  // len([BODY]...)
  body_has,     // has([BODY]...)
};

enum class comparison { eq, ne, lt, le, gt, ge };

/// One right-hand value, already converted to the type it will be compared as.
struct operand {
  enum class kind { number, boolean, duration, text };
  kind type = kind::text;
  double number = 0;  // [RESPONSE_TIME] durations are stored here in milliseconds
  bool boolean = false;
  std::chrono::nanoseconds duration{};
  std::string text;  // as written; the value itself for kind::text
};

enum class rhs_kind { single, any, pattern };

struct parsed_condition {
  std::string text;  // as given
  subject_kind subject = subject_kind::status;
  json_path path;            // only for the body subjects
  std::string subject_text;  // canonical, e.g. "len([BODY].items)"
  comparison op = comparison::eq;
  rhs_kind rhs = rhs_kind::single;
  std::vector<operand> values;  // one for single, one or more for any()
  std::string pattern;          // for pat()
  std::string rhs_text;         // canonical, e.g. "any(200, 201)"
};

/// Throws condition_error.
parsed_condition parse_condition(std::string_view text);

std::string_view to_string(comparison op);

/// Ordering operators need values that have an order; == and != do not.
inline bool is_ordering(comparison op) {
  return op != comparison::eq && op != comparison::ne;
}

/// The whole of s as a finite number, or nullopt ("12abc", "inf" and "" are not numbers).
std::optional<double> parse_number(std::string_view s);

/// Quotes text for an error message, escaping what would break the message onto several lines.
std::string quote(std::string_view text);

}  // namespace fleetcheck::conditions::detail
