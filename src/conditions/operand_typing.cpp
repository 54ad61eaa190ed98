#include "operand_typing.hpp"

#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "fleetcheck/conditions/condition.hpp"
#include "fleetcheck/core/duration.hpp"
#include "safe_text.hpp"

namespace fleetcheck::conditions::detail {
namespace {

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

std::string joined(std::span<const std::string_view> names) {
  std::string out;
  for (const auto name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

void throw_condition_error(std::string_view text, std::string_view message) {
  throw condition_error(fmt::format("condition {}: {}", quote(text), printable(message)));
}

void operand_typing::check_orderable(const subject& s, comparison op) const {
  if (!is_ordering(op)) return;
  const auto type = type_of(s);
  if (type == value_type::boolean) {
    fail(fmt::format("{} is true or false, compare it with == or !=, not {}", s.text,
                     to_string(op)));
  }
  if (type == value_type::text) {
    fail(fmt::format("{} is text, compare it with == or != (or pat()), not {}", s.text,
                     to_string(op)));
  }
}

void operand_typing::check_subjects(const subject& left, comparison op,
                                    const subject& right) const {
  check_orderable(left, op);
  check_orderable(right, op);
  const auto l = type_of(left);
  const auto r = type_of(right);
  // [BODY] is only typed when the body arrives; everything else must match now.
  if (l != r && l != value_type::dynamic && r != value_type::dynamic) {
    fail(fmt::format("{} is {} and {} is {}: they cannot be compared", left.text, describe(l),
                     right.text, describe(r)));
  }
}

void operand_typing::check_list(comparison op) const {
  if (is_ordering(op)) fail(fmt::format("any() works only with == and !=, not {}", to_string(op)));
}

literal operand_typing::typed_literal(const subject& other, std::string_view value,
                                      comparison op) const {
  literal result;
  result.text = std::string(value);
  switch (type_of(other)) {
    case value_type::number:
      if (const auto n = parse_number(value)) {
        result.type = value_type::number;
        result.num = *n;
        return result;
      }
      if (other.name == placeholder::response_time && other.fn == function::none) {
        try {
          result.type = value_type::number;
          result.num = number::of(
              std::chrono::duration<double, std::milli>(core::parse_duration(value)).count());
          return result;
        } catch (const std::invalid_argument&) {
          fail(fmt::format("{} is a number of milliseconds, cannot compare it with {}", other.text,
                           quote(value)));
        }
      }
      fail(fmt::format("{} is a number, cannot compare it with {}", other.text, quote(value)));
    case value_type::boolean:
      if (value != "true" && value != "false") {
        fail(fmt::format("{} is true or false, cannot compare it with {}", other.text,
                         quote(value)));
      }
      result.type = value_type::boolean;
      result.boolean = value == "true";
      return result;
    case value_type::duration:
      result.type = value_type::duration;
      // A bare 0 is the one number that needs no unit (Go's time.ParseDuration agrees).
      if (value == "0") return result;
      try {
        result.duration = core::parse_duration(value);
        return result;
      } catch (const std::invalid_argument& e) {
        fail(fmt::format("{} is a duration, cannot compare it with {}: {}", other.text,
                         quote(value), e.what()));
      }
    case value_type::text: {
      const auto names = known_values(other.name);
      bool known = names.empty();
      for (const auto name : names) known = known || name == value;
      if (!known) {
        fail(fmt::format("{} is one of {}; cannot compare it with {}", other.text, joined(names),
                         quote(value)));
      }
      result.type = value_type::text;
      return result;
    }
    case value_type::dynamic:
      // Read when the body arrives: "7" then equals the JSON number 7, "true" the JSON true.
      result.type = value_type::text;
      if (is_ordering(op)) {
        if (value == "true" || value == "false") {
          fail(fmt::format("true and false can only be compared with == or !=, not {}",
                           to_string(op)));
        }
        if (!parse_number(value)) {
          fail(fmt::format("{} cannot be ordered with {}: it is not a number (use == or !=)",
                           quote(value), to_string(op)));
        }
      }
      return result;
  }
  return result;
}

glob operand_typing::compiled_pattern(const subject& other, std::string_view pattern,
                                      comparison op) const {
  if (is_ordering(op)) fail(fmt::format("pat() works only with == and !=, not {}", to_string(op)));
  // Gatus would match the number of milliseconds; fleetcheck shows durations as "36h12m", so
  // neither text is one a pattern could be written against.
  if (type_of(other) == value_type::duration) {
    fail(fmt::format("pat() matches text, but {} is a duration", other.text));
  }
  if (is_blank(pattern)) fail("pat() needs a pattern");
  std::string problem;
  auto compiled = glob::compile(pattern, problem);
  if (!compiled) fail(fmt::format("bad pattern in pat(): {}", problem));
  return std::move(*compiled);
}

}  // namespace fleetcheck::conditions::detail
