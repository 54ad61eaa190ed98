#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace fleetcheck::conditions::detail {

/// A number as read from a placeholder, a body or the condition: an exact 64-bit integer when it
/// is written as one (so ids past 2^53 still compare exactly), a double otherwise.
struct number {
  bool integral = true;
  std::int64_t integer = 0;
  double real = 0;  // when !integral

  static number of(std::int64_t n) { return {true, n, 0}; }
  static number of(double d) { return {false, 0, d}; }
  double as_double() const { return integral ? static_cast<double>(integer) : real; }
};

/// The text as a number, read as Gatus reads it (Go's strconv.ParseInt(s, 0, 64), then
/// ParseFloat): an optional sign, then decimal digits, 0x/0o/0b integers, or a decimal fraction
/// with an optional exponent. Unlike Go, leading zeros stay decimal ("010" is 10, not 8) and
/// "inf", "nan" and digit separators ("1_000") are not numbers. No surrounding spaces.
std::optional<number> parse_number(std::string_view text);

/// -1, 0 or 1.
int compare(number a, number b);

/// One side of a condition once resolved against an observation.
struct value {
  enum class kind {
    missing,   // nothing to compare: a path that is not there, no certificate, ...
    number,    // a numeric placeholder or a JSON number: compares by value
    boolean,   // [CONNECTED], has(), a JSON true/false
    duration,  // [CERTIFICATE_EXPIRATION]
    text,      // [BODY], a JSON string, [IP], a value written in the condition
    json,      // a JSON array or object; compares as its compact JSON text
  };
  kind type = kind::missing;
  number num;
  bool boolean = false;
  std::chrono::nanoseconds duration{};
  std::string_view text;                 // kind::text: the text; kind::missing: why it is missing
  const nlohmann::json* json = nullptr;  // kind::json
};

value missing_value(std::string_view why);
value number_value(number n);
value boolean_value(bool b);
value duration_value(std::chrono::nanoseconds d);
value text_value(std::string_view text);

/// A JSON node as a value. JSON null counts as missing, as in Gatus ("null" is the reason).
value json_value(const nlohmann::json& node);

/// == as Gatus means it, except that numbers compare by value (7 == 7.0): missing equals
/// nothing; a number equals anything that reads as the same number; true/false equal the same
/// boolean or its text; durations equal the same duration; texts are equal when both are integers
/// of the same value ("0x1" == "1") or when they are the same bytes.
bool equal(const value& a, const value& b);

/// <0, 0 or >0 for the ordering operators; nullopt when the two cannot be ordered (missing,
/// not numbers, not durations). Gatus reads such values as 0; fleetcheck fails the condition.
std::optional<int> order(const value& a, const value& b);

/// The value as text: what pat() matches, what len() counts for scalars, what descriptions show.
/// Missing values give their reason. Never throws (JSON is dumped with invalid UTF-8 replaced).
std::string text_of(const value& v);

/// A number as people write it: whole numbers without ".0", others in the shortest form that
/// reads back exactly.
std::string format_number(number n);

}  // namespace fleetcheck::conditions::detail
