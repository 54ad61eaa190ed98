#include "value.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::conditions::detail {
namespace {

constexpr auto int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::optional<number> signed_integer(bool negative, std::uint64_t magnitude) {
  if (!negative) {
    if (magnitude > int64_max) return std::nullopt;
    return number::of(static_cast<std::int64_t>(magnitude));
  }
  if (magnitude > int64_max + 1) return std::nullopt;
  if (magnitude == int64_max + 1) return number::of(std::numeric_limits<std::int64_t>::min());
  return number::of(-static_cast<std::int64_t>(magnitude));
}

std::optional<number> numeric(const value& v) {
  if (v.type == value::kind::number) return v.num;
  if (v.type == value::kind::text) return parse_number(v.text);
  return std::nullopt;
}

std::optional<std::int64_t> integer_of(const value& v) {
  if (v.type != value::kind::text) return std::nullopt;
  const auto n = parse_number(v.text);
  if (!n || !n->integral) return std::nullopt;
  return n->integer;
}

std::optional<bool> truth(const value& v) {
  if (v.type == value::kind::boolean) return v.boolean;
  if (v.type == value::kind::text) {
    if (v.text == "true") return true;
    if (v.text == "false") return false;
  }
  return std::nullopt;
}

// A duration written in a body ("36h") can be compared with [CERTIFICATE_EXPIRATION]; a bare
// number cannot, for the same reason a bare number in the condition is rejected: no unit.
std::optional<std::chrono::nanoseconds> duration_of(const value& v) {
  if (v.type == value::kind::duration) return v.duration;
  if (v.type != value::kind::text) return std::nullopt;
  if (v.text == "0") return std::chrono::nanoseconds{0};
  try {
    return core::parse_duration(v.text);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

template <typename T>
int three_way(T a, T b) {
  return a < b ? -1 : b < a ? 1 : 0;
}

}  // namespace

std::optional<number> parse_number(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  // from_chars would accept a second sign, and "+" alone is not a number.
  if (s.empty() || s.front() == '+' || s.front() == '-') return std::nullopt;

  int base = 10;
  if (s.size() > 2 && s[0] == '0') {
    const char prefix = s[1];
    base = (prefix == 'x' || prefix == 'X')   ? 16
           : (prefix == 'o' || prefix == 'O') ? 8
           : (prefix == 'b' || prefix == 'B') ? 2
                                              : 10;
  }
  if (base != 10) {
    s.remove_prefix(2);
    std::uint64_t magnitude = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return signed_integer(negative, magnitude);  // Go has no hexadecimal fallback either
  }

  bool all_digits = true;
  for (const char c : s) all_digits = all_digits && is_digit(c);
  if (all_digits) {
    std::uint64_t magnitude = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude);
    if (ec == std::errc{} && end == s.data() + s.size()) {
      if (const auto n = signed_integer(negative, magnitude)) return n;
    }
    // Too large for 64 bits: read it as a double below, as Go's ParseFloat fallback does.
  }
  double real = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), real);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(real)) return std::nullopt;
  return number::of(negative ? -real : real);
}

int compare(number a, number b) {
  if (a.integral && b.integral) return three_way(a.integer, b.integer);
  return three_way(a.as_double(), b.as_double());
}

value missing_value(std::string_view why) {
  value v;
  v.type = value::kind::missing;
  v.text = why;
  return v;
}

value number_value(number n) {
  value v;
  v.type = value::kind::number;
  v.num = n;
  return v;
}

value boolean_value(bool b) {
  value v;
  v.type = value::kind::boolean;
  v.boolean = b;
  return v;
}

value duration_value(std::chrono::nanoseconds d) {
  value v;
  v.type = value::kind::duration;
  v.duration = d;
  return v;
}

value text_value(std::string_view text) {
  value v;
  v.type = value::kind::text;
  v.text = text;
  return v;
}

value json_value(const nlohmann::json& node) {
  using type = nlohmann::json::value_t;
  switch (node.type()) {
    case type::boolean:
      return boolean_value(node.get<bool>());
    case type::number_integer:
      return number_value(number::of(node.get<std::int64_t>()));
    case type::number_unsigned: {
      const auto n = node.get<std::uint64_t>();
      if (n <= int64_max) return number_value(number::of(static_cast<std::int64_t>(n)));
      return number_value(number::of(static_cast<double>(n)));
    }
    case type::number_float:
      return number_value(number::of(node.get<double>()));
    case type::string:
      return text_value(node.get_ref<const std::string&>());
    case type::array:
    case type::object: {
      value v;
      v.type = value::kind::json;
      v.json = &node;
      return v;
    }
    case type::null:
      return missing_value("null");
    case type::binary:
    case type::discarded:
      break;
  }
  return missing_value("not a JSON value");
}

bool equal(const value& a, const value& b) {
  using kind = value::kind;
  if (a.type == kind::missing || b.type == kind::missing) return false;
  if (a.type == kind::number || b.type == kind::number) {
    const auto x = numeric(a);
    const auto y = numeric(b);
    return x && y && compare(*x, *y) == 0;
  }
  if (a.type == kind::boolean || b.type == kind::boolean) {
    const auto x = truth(a);
    const auto y = truth(b);
    return x && y && *x == *y;
  }
  if (a.type == kind::duration || b.type == kind::duration) {
    const auto x = duration_of(a);
    const auto y = duration_of(b);
    return x && y && *x == *y;
  }
  // Gatus's rule for everything else: integers in any base by value, the rest byte for byte.
  const auto x = integer_of(a);
  const auto y = integer_of(b);
  if (x && y) return *x == *y;
  return text_of(a) == text_of(b);
}

std::optional<int> order(const value& a, const value& b) {
  using kind = value::kind;
  if (a.type == kind::missing || b.type == kind::missing) return std::nullopt;
  if (a.type == kind::duration || b.type == kind::duration) {
    const auto x = duration_of(a);
    const auto y = duration_of(b);
    if (!x || !y) return std::nullopt;
    return three_way(x->count(), y->count());
  }
  const auto x = numeric(a);
  const auto y = numeric(b);
  if (!x || !y) return std::nullopt;
  return compare(*x, *y);
}

std::string format_number(number n) {
  if (n.integral) return fmt::format("{}", n.integer);
  const double d = n.real;
  // Statuses, lengths and JSON numbers such as 7.0 read as integers.
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e15) {
    return fmt::format("{}", static_cast<long long>(d));
  }
  return fmt::format("{}", d);
}

std::string text_of(const value& v) {
  switch (v.type) {
    case value::kind::number:
      return format_number(v.num);
    case value::kind::boolean:
      return v.boolean ? "true" : "false";
    case value::kind::duration:
      return core::format_duration(v.duration);
    case value::kind::json:
      return v.json->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    case value::kind::missing:
    case value::kind::text:
      return std::string(v.text);
  }
  return std::string(v.text);
}

}  // namespace fleetcheck::conditions::detail
