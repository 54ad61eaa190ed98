#pragma once

#include <string_view>

#include "condition_parser.hpp"

namespace fleetcheck::conditions::detail {

/// Throws condition_error "condition "<text>": <message>", with both made safe to log.
[[noreturn]] void throw_condition_error(std::string_view text, std::string_view message);

/// The parse-time type checks that keep a typo from becoming a condition that is silently always
/// false (or always true): each check throws condition_error naming what does not fit.
class operand_typing {
 public:
  explicit operand_typing(std::string_view condition_text) : text_(condition_text) {}

  /// Two placeholders compared with each other: their types must be comparable.
  void check_subjects(const subject& left, comparison op, const subject& right) const;

  /// <, <=, > and >= on a placeholder whose values have no order (booleans, names, addresses).
  void check_orderable(const subject& s, comparison op) const;

  /// any() with an ordering operator.
  void check_list(comparison op) const;

  /// The value written next to a placeholder, converted to the placeholder's type.
  literal typed_literal(const subject& other, std::string_view value, comparison op) const;

  /// The pattern of pat(...) compared with the placeholder.
  glob compiled_pattern(const subject& other, std::string_view pattern, comparison op) const;

 private:
  [[noreturn]] void fail(std::string_view message) const { throw_condition_error(text_, message); }

  std::string_view text_;
};

}  // namespace fleetcheck::conditions::detail
