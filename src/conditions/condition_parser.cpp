#include "condition_parser.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "fleetcheck/conditions/condition.hpp"
#include "fleetcheck/core/duration.hpp"

namespace fleetcheck::conditions::detail {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Keys stop at anything that can follow a path, so "[BODY].a==1" needs no spaces.
bool is_key_char(char c) {
  return !is_space(c) && std::string_view(".[]()=!<>,").find(c) == std::string_view::npos;
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<double> parse_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  // from_chars reads "inf" and "nan"; neither is a useful threshold, so they stay text.
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

namespace {

enum class value_type { number, boolean, duration, dynamic };

value_type type_of(subject_kind subject) {
  switch (subject) {
    case subject_kind::status:
    case subject_kind::response_time:
    case subject_kind::body_length:
      return value_type::number;
    case subject_kind::connected:
    case subject_kind::body_has:
      return value_type::boolean;
    case subject_kind::certificate_expiration:
      return value_type::duration;
    case subject_kind::body:
      return value_type::dynamic;
  }
  return value_type::dynamic;
}

std::string_view type_name(value_type type) {
  switch (type) {
    case value_type::number:
      return "a number";
    case value_type::boolean:
      return "true or false";
    case value_type::duration:
      return "a duration";
    case value_type::dynamic:
      return "text";
  }
  return "text";
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

class parser {
 public:
  explicit parser(std::string_view text) : text_(text) {}

  parsed_condition parse() {
    if (trim(text_).empty()) fail("empty condition");
    parsed_condition out;
    out.text = std::string(text_);
    skip_space();
    parse_subject(out);
    out.op = parse_operator(out);
    parse_rhs(out);
    return out;
  }

 private:
  [[noreturn]] void fail(std::string_view message) const {
    throw condition_error(fmt::format("condition {}: {}", quote(text_), message));
  }

  std::string_view rest() const { return text_.substr(pos_); }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  bool consume(std::string_view token) {
    if (!rest().starts_with(token)) return false;
    pos_ += token.size();
    return true;
  }

  // At '['; returns the name between the brackets, which is always a known placeholder.
  std::string_view parse_placeholder() {
    const auto close = text_.find(']', pos_);
    if (close == std::string_view::npos) {
      fail(fmt::format("unterminated placeholder {}", quote(rest())));
    }
    const auto name = text_.substr(pos_ + 1, close - pos_ - 1);
    if (name != "STATUS" && name != "RESPONSE_TIME" && name != "BODY" && name != "CONNECTED" &&
        name != "CERTIFICATE_EXPIRATION") {
      fail(fmt::format(
          "unknown placeholder [{}] (expected [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED] or "
          "[CERTIFICATE_EXPIRATION])",
          escape(name)));
    }
    pos_ = close + 1;
    return name;
  }

  json_path parse_path() {
    json_path path;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '.') {
        const auto start = ++pos_;
        while (pos_ < text_.size() && is_key_char(text_[pos_])) ++pos_;
        if (pos_ == start) {
          fail(fmt::format("empty key after \"[BODY]{}.\"", escape(format_path(path))));
        }
        path_segment segment;
        segment.key = std::string(text_.substr(start, pos_ - start));
        path.push_back(std::move(segment));
      } else if (text_[pos_] == '[') {
        const auto close = text_.find(']', pos_);
        if (close == std::string_view::npos) {
          fail(fmt::format("unterminated [ after \"[BODY]{}\"", escape(format_path(path))));
        }
        const auto digits = text_.substr(pos_ + 1, close - pos_ - 1);
        bool all_digits = !digits.empty();
        for (const char c : digits) all_digits = all_digits && is_digit(c);
        if (!all_digits) {
          fail(fmt::format(
              "array index must be a whole number like [0], found [{}] after \"[BODY]{}\"",
              escape(digits), escape(format_path(path))));
        }
        std::size_t index = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
        if (ec != std::errc{} || end != digits.data() + digits.size()) {
          fail(fmt::format("array index [{}] is too large", digits));
        }
        path_segment segment;
        segment.index = index;
        segment.is_index = true;
        path.push_back(std::move(segment));
        pos_ = close + 1;
      } else {
        break;
      }
    }
    return path;
  }

  void parse_subject(parsed_condition& out) {
    if (rest().starts_with('[')) {
      const auto name = parse_placeholder();
      if (name == "BODY") {
        out.subject = subject_kind::body;
        out.path = parse_path();
        out.subject_text = "[BODY]" + format_path(out.path);
        return;
      }
      out.subject = name == "STATUS"          ? subject_kind::status
                    : name == "RESPONSE_TIME" ? subject_kind::response_time
                    : name == "CONNECTED"     ? subject_kind::connected
                                              : subject_kind::certificate_expiration;
      out.subject_text = fmt::format("[{}]", name);
      if (rest().starts_with('.') || rest().starts_with('[')) {
        fail(fmt::format("only [BODY] takes a path, not {}", out.subject_text));
      }
      return;
    }

    const auto start = pos_;
    while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
    const auto name = text_.substr(start, pos_ - start);
    if (name == "len" || name == "has") {
      skip_space();
      if (!consume("(")) fail(fmt::format("expected ( after {}", name));
      skip_space();
      if (!rest().starts_with('[')) {
        fail(fmt::format("{}() takes [BODY] or a [BODY] path, found {}", name, quote(rest())));
      }
      const auto argument = parse_placeholder();
      if (argument != "BODY") {
        fail(fmt::format("{}() takes [BODY] or a [BODY] path, not [{}]", name, argument));
      }
      out.path = parse_path();
      skip_space();
      if (!consume(")")) {
        fail(fmt::format("expected ) to close {}(), found {}", name, quote(rest())));
      }
      out.subject = name == "len" ? subject_kind::body_length : subject_kind::body_has;
      out.subject_text = fmt::format("{}([BODY]{})", name, format_path(out.path));
      return;
    }
    if (name == "any" || name == "pat") {
      fail(fmt::format("{}() belongs on the right-hand side, e.g. [BODY] == {}(...)", name, name));
    }
    fail(fmt::format(
        "expected a placeholder such as [STATUS] or [BODY], len(...) or has(...), found {}",
        quote(text_.substr(start))));
  }

  comparison parse_operator(const parsed_condition& out) {
    skip_space();
    static constexpr std::pair<std::string_view, comparison> operators[] = {
        {"==", comparison::eq}, {"!=", comparison::ne}, {"<=", comparison::le},
        {">=", comparison::ge}, {"<", comparison::lt},  {">", comparison::gt},
    };
    for (const auto& [token, op] : operators) {
      if (consume(token)) return op;
    }
    if (rest().empty()) {
      fail(fmt::format("missing operator (==, !=, <, <=, >, >=) and value after {}",
                       out.subject_text));
    }
    fail(fmt::format("expected an operator (==, !=, <, <=, >, >=) after {}, found {}{}",
                     out.subject_text, quote(rest()),
                     rest().starts_with('=') ? " (use == for equality)" : ""));
  }

  // Returns the text between "name(" and ")" when value is a call to name, else nullopt.
  // any() must close at its first ")"; pat() closes at the last one so patterns may hold ")".
  std::optional<std::string_view> call_argument(std::string_view value, std::string_view name) {
    if (!value.starts_with(name)) return std::nullopt;
    auto after = value.substr(name.size());
    const auto open = after.find_first_not_of(" \t");
    if (open == std::string_view::npos || after[open] != '(') return std::nullopt;
    after.remove_prefix(open + 1);
    const auto close = name == "pat" ? after.rfind(')') : after.find(')');
    if (close == std::string_view::npos) fail(fmt::format("missing ) to close {}(", name));
    if (close + 1 != after.size()) {
      fail(fmt::format("unexpected {} after {}(...)", quote(trim(after.substr(close + 1))), name));
    }
    return after.substr(0, close);
  }

  operand typed_operand(const parsed_condition& out, std::string_view value) {
    operand result;
    result.text = std::string(value);
    switch (type_of(out.subject)) {
      case value_type::number:
        if (const auto number = parse_number(value)) {
          result.type = operand::kind::number;
          result.number = *number;
          return result;
        }
        if (out.subject == subject_kind::response_time) {
          try {
            result.type = operand::kind::number;
            result.number =
                std::chrono::duration<double, std::milli>(core::parse_duration(value)).count();
            return result;
          } catch (const std::invalid_argument&) {
            fail(fmt::format("{} is a number of milliseconds, cannot compare it with {}",
                             out.subject_text, quote(value)));
          }
        }
        fail(fmt::format("{} is a number, cannot compare it with {}", out.subject_text,
                         quote(value)));
      case value_type::boolean:
        if (value != "true" && value != "false") {
          fail(fmt::format("{} is true or false, cannot compare it with {}", out.subject_text,
                           quote(value)));
        }
        result.type = operand::kind::boolean;
        result.boolean = value == "true";
        return result;
      case value_type::duration:
        try {
          result.type = operand::kind::duration;
          result.duration = core::parse_duration(value);
          return result;
        } catch (const std::invalid_argument& e) {
          fail(fmt::format("{} is a duration, cannot compare it with {}: {}", out.subject_text,
                           quote(value), escape(e.what())));
        }
      case value_type::dynamic:
        if (const auto number = parse_number(value)) {
          result.type = operand::kind::number;
          result.number = *number;
        } else if (value == "true" || value == "false") {
          result.type = operand::kind::boolean;
          result.boolean = value == "true";
        }
        return result;
    }
    return result;
  }

  void parse_rhs(parsed_condition& out) {
    skip_space();
    const auto value = trim(rest());
    const auto op = to_string(out.op);
    if (value.empty()) fail(fmt::format("missing value after {} {}", out.subject_text, op));
    // "===" or "<>" would otherwise leave an operator character in the value.
    if (std::string_view("=<>!").find(value.front()) != std::string_view::npos) {
      fail(fmt::format("unexpected {} after {} (one operator only)", quote(value), op));
    }
    const auto type = type_of(out.subject);
    const bool ordering = is_ordering(out.op);
    if (type == value_type::boolean && ordering) {
      fail(fmt::format("{} is true or false, compare it with == or !=, not {}", out.subject_text,
                       op));
    }

    if (const auto items = call_argument(value, "any")) {
      if (ordering) fail(fmt::format("any() works only with == and !=, not {}", op));
      out.rhs = rhs_kind::any;
      out.rhs_text = "any(";
      std::string_view remaining = *items;
      while (true) {
        const auto comma = remaining.find(',');
        const auto item = trim(remaining.substr(0, comma));
        if (item.empty()) {
          fail(trim(*items).empty() ? "any() needs at least one value"
                                    : "any() has an empty value");
        }
        out.values.push_back(typed_operand(out, item));
        out.rhs_text += item;
        if (comma == std::string_view::npos) break;
        out.rhs_text += ", ";
        remaining.remove_prefix(comma + 1);
      }
      out.rhs_text += ')';
      return;
    }

    if (const auto pattern = call_argument(value, "pat")) {
      if (ordering) fail(fmt::format("pat() works only with == and !=, not {}", op));
      if (type != value_type::dynamic) {
        fail(fmt::format("pat() matches text, but {} is {}", out.subject_text, type_name(type)));
      }
      out.rhs = rhs_kind::pattern;
      out.pattern = std::string(trim(*pattern));
      if (out.pattern.empty()) fail("pat() needs a pattern");
      out.rhs_text = fmt::format("pat({})", out.pattern);
      return;
    }

    out.rhs = rhs_kind::single;
    out.values.push_back(typed_operand(out, value));
    out.rhs_text = std::string(value);
    if (ordering && out.values.front().type == operand::kind::boolean) {
      fail(fmt::format("true and false can only be compared with == or !=, not {}", op));
    }
    if (ordering && out.values.front().type == operand::kind::text) {
      fail(fmt::format("{} cannot be ordered with {}: it is not a number (use == or !=)",
                       quote(value), op));
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string_view to_string(comparison op) {
  switch (op) {
    case comparison::eq:
      return "==";
    case comparison::ne:
      return "!=";
    case comparison::lt:
      return "<";
    case comparison::le:
      return "<=";
    case comparison::gt:
      return ">";
    case comparison::ge:
      return ">=";
  }
  return "==";
}

std::string quote(std::string_view text) {
  return "\"" + escape(text) + "\"";
}

parsed_condition parse_condition(std::string_view text) {
  return parser(text).parse();
}

}  // namespace fleetcheck::conditions::detail
