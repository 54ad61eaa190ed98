#include "condition_parser.hpp"

#include <charconv>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "operand_typing.hpp"
#include "safe_text.hpp"

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

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_operator_char(char c) {
  return std::string_view("=!<>").find(c) != std::string_view::npos;
}

// "len(", "has (" and also "len [BODY]", so that a forgotten ( is reported as such.
bool starts_function(std::string_view s) {
  if (!s.starts_with("len") && !s.starts_with("has")) return false;
  const auto next = s.find_first_not_of(" \t\r\n\f\v", 3);
  return next != std::string_view::npos && (s[next] == '(' || s[next] == '[');
}

// On the left, a bracket and a name start a placeholder; unknown names are errors, not text,
// because [STAUTS] is a typo.
bool starts_subject_on_left(std::string_view s) {
  return (s.size() > 1 && s[0] == '[' && is_name_start(s[1])) || starts_function(s);
}

// On the right, "[...]" can also be a JSON value ("[]", "[1,2]", "[true]"), so only a bracketed
// name is a placeholder (or a bracket and a name that never closes, reported as unterminated).
bool starts_subject_on_right(std::string_view s) {
  if (starts_function(s)) return true;
  if (s.size() < 2 || s[0] != '[' || !is_name_start(s[1])) return false;
  std::size_t end = 1;
  while (end < s.size() && is_name_char(s[end])) ++end;
  if (end == s.size()) return true;
  if (s[end] != ']') return false;
  const auto name = s.substr(1, end - 1);
  return name != "true" && name != "false" && name != "null";
}

struct operator_token {
  std::size_t begin;
  std::size_t end;
  comparison op;
};

constexpr std::pair<std::string_view, comparison> operators[] = {
    {"==", comparison::eq}, {"!=", comparison::ne}, {"<=", comparison::le},
    {">=", comparison::ge}, {"<", comparison::lt},  {">", comparison::gt},
};

// When the left side is a value ("200 == [STATUS]", "pat(*<b>*) == [BODY]"), the value may hold
// operator characters, so the operator is the last one that a placeholder follows: a placeholder
// holds none.
std::optional<operator_token> find_operator_before_subject(std::string_view s) {
  for (std::size_t i = s.size(); i-- > 0;) {
    if (!is_operator_char(s[i])) continue;
    std::size_t begin = i;
    if (s[i] == '=' && i > 0 && is_operator_char(s[i - 1])) begin = i - 1;
    const auto token = s.substr(begin, i + 1 - begin);
    for (const auto& [text, op] : operators) {
      if (token == text && starts_subject_on_right(trim(s.substr(i + 1)))) {
        return operator_token{begin, i + 1, op};
      }
    }
    i = begin;
  }
  return std::nullopt;
}

class parser {
 public:
  explicit parser(std::string_view text) : text_(text) {}

  parsed_condition parse() {
    if (trim(text_).empty()) fail("empty condition");
    parsed_condition out;
    out.text = std::string(text_);
    skip_space();
    if (starts_subject_on_left(rest())) {
      out.left = subject_operand();
      out.op = parse_operator(out.left.text);
      skip_space();
      if (starts_subject_on_right(rest())) {
        out.right = subject_operand();
        expect_end(out.right.text);
        typing().check_subjects(out.left.read, out.op, out.right.read);
      } else {
        out.right = value_operand(trim(rest()), out.left.read, out.op, true);
      }
      return out;
    }

    const auto split = find_operator_before_subject(rest());
    if (!split) fail_without_subject();
    const auto left_text = trim(rest().substr(0, split->begin));
    out.op = split->op;
    pos_ += split->end;
    skip_space();
    out.right = subject_operand();
    expect_end(out.right.text);
    out.left = value_operand(left_text, out.right.read, out.op, false);
    return out;
  }

 private:
  [[noreturn]] void fail(std::string_view message) const { throw_condition_error(text_, message); }

  [[noreturn]] void fail_without_subject() const {
    const auto text = trim(text_);
    for (const std::string_view name : {"any", "pat"}) {
      if (text.starts_with(name) && trim(text.substr(3)).starts_with('(')) {
        fail(fmt::format(
            "{}() needs a placeholder such as [STATUS] or [BODY] on the other side of the operator",
            name));
      }
    }
    fail(fmt::format(
        "expected a placeholder such as [STATUS] or [BODY], len(...) or has(...) on one side, "
        "found {}",
        quote(text)));
  }

  operand_typing typing() const { return operand_typing(text_); }

  std::string_view rest() const { return text_.substr(pos_); }

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }

  bool consume(std::string_view token) {
    if (!rest().starts_with(token)) return false;
    pos_ += token.size();
    return true;
  }

  void expect_end(std::string_view after) {
    skip_space();
    if (!rest().empty()) fail(fmt::format("unexpected {} after {}", quote(trim(rest())), after));
  }

  // At '['; returns the placeholder between the brackets, which must be a known one.
  placeholder parse_placeholder() {
    const auto close = text_.find(']', pos_);
    if (close == std::string_view::npos) {
      fail(fmt::format("unterminated placeholder {}", quote(rest())));
    }
    const auto name = text_.substr(pos_ + 1, close - pos_ - 1);
    const auto found = find_placeholder(name);
    if (!found) {
      if (const auto why = unsupported_reason(name); !why.empty()) fail(why);
      fail(fmt::format("unknown placeholder {} (expected {})", quote("[" + std::string(name) + "]"),
                       all_placeholder_names()));
    }
    pos_ = close + 1;
    return *found;
  }

  json_path parse_path() {
    json_path path;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '.') {
        const auto start = ++pos_;
        while (pos_ < text_.size() && is_key_char(text_[pos_])) ++pos_;
        if (pos_ == start) fail(fmt::format("empty key after \"[BODY]{}.\"", format_path(path)));
        path_segment segment;
        segment.key = std::string(text_.substr(start, pos_ - start));
        path.push_back(std::move(segment));
      } else if (text_[pos_] == '[') {
        const auto close = text_.find(']', pos_);
        if (close == std::string_view::npos) {
          fail(fmt::format("unterminated [ after \"[BODY]{}\"", format_path(path)));
        }
        const auto digits = text_.substr(pos_ + 1, close - pos_ - 1);
        bool all_digits = !digits.empty();
        for (const char c : digits) all_digits = all_digits && is_digit(c);
        if (!all_digits) {
          fail(fmt::format(
              "array index must be a whole number like [0], found [{}] after \"[BODY]{}\"", digits,
              format_path(path)));
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

  void reject_path_after(const subject& s) {
    if (rest().starts_with('.') || rest().starts_with('[')) {
      fail(fmt::format("only [BODY] takes a path, not {}", name_of(s.name)));
    }
  }

  subject parse_subject() {
    subject s;
    if (rest().starts_with('[')) {
      s.name = parse_placeholder();
      if (s.name == placeholder::body) s.path = parse_path();
      reject_path_after(s);
      s.text = std::string(name_of(s.name)) + format_path(s.path);
      return s;
    }
    const auto name = rest().substr(0, 3);  // starts_function() saw "len" or "has"
    pos_ += 3;
    skip_space();
    if (!consume("(")) fail(fmt::format("expected ( after {}", name));
    skip_space();
    constexpr std::string_view takes = "[BODY], a [BODY] path, [IP], [DNS_RCODE] or [GRPC_STATUS]";
    if (!rest().starts_with('[')) {
      fail(fmt::format("{}() takes {}, found {}", name, takes, quote(rest())));
    }
    s.name = parse_placeholder();
    // len() of a number or a boolean would count the characters of its decimal text, which is
    // never what is meant; has() of one is always true.
    if (s.name != placeholder::body && type_of(s.name) != value_type::text) {
      fail(fmt::format("{}() takes {}, not {}", name, takes, name_of(s.name)));
    }
    if (s.name == placeholder::body) s.path = parse_path();
    reject_path_after(s);
    skip_space();
    if (!consume(")")) fail(fmt::format("expected ) to close {}(), found {}", name, quote(rest())));
    s.fn = name == "len" ? function::len : function::has;
    s.text = fmt::format("{}({}{})", name, name_of(s.name), format_path(s.path));
    return s;
  }

  operand subject_operand() {
    operand o;
    o.type = operand::kind::subject;
    o.read = parse_subject();
    o.text = o.read.text;
    return o;
  }

  comparison parse_operator(std::string_view after) {
    skip_space();
    for (const auto& [token, op] : operators) {
      if (consume(token)) return op;
    }
    if (rest().empty()) {
      fail(fmt::format("missing operator (==, !=, <, <=, >, >=) and value after {}", after));
    }
    fail(fmt::format("expected an operator (==, !=, <, <=, >, >=) after {}, found {}{}", after,
                     quote(rest()), rest().starts_with('=') ? " (use == for equality)" : ""));
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

  // The side that is not a placeholder: a value, any(...) or pat(...), typed by the other side.
  operand value_operand(std::string_view value, const subject& other, comparison op,
                        bool on_right) {
    const auto op_text = to_string(op);
    if (value.empty()) {
      fail(on_right ? fmt::format("missing value after {} {}", other.text, op_text)
                    : fmt::format("missing value before {} {}", op_text, other.text));
    }
    // "===" or "<>" would otherwise leave an operator character in the value.
    if (on_right && is_operator_char(value.front())) {
      fail(fmt::format("unexpected {} after {} (one operator only)", quote(value), op_text));
    }
    const auto types = typing();
    types.check_orderable(other, op);

    operand out;
    if (const auto items = call_argument(value, "any")) {
      types.check_list(op);
      out.type = operand::kind::any;
      out.text = "any(";
      std::string_view remaining = *items;
      while (true) {
        const auto comma = remaining.find(',');
        const auto item = trim(remaining.substr(0, comma));
        if (item.empty()) {
          fail(trim(*items).empty() ? "any() needs at least one value"
                                    : "any() has an empty value");
        }
        out.values.push_back(types.typed_literal(other, item, op));
        out.text += item;
        if (comma == std::string_view::npos) break;
        out.text += ", ";
        remaining.remove_prefix(comma + 1);
      }
      out.text += ')';
      return out;
    }
    if (const auto pattern = call_argument(value, "pat")) {
      out.type = operand::kind::pattern;
      out.pattern = types.compiled_pattern(other, *pattern, op);
      out.text = fmt::format("pat({})", *pattern);
      return out;
    }
    out.type = operand::kind::literal;
    out.values.push_back(types.typed_literal(other, value, op));
    out.text = std::string(value);
    return out;
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

value_type type_of(const subject& s) {
  switch (s.fn) {
    case function::len:
      return value_type::number;
    case function::has:
      return value_type::boolean;
    case function::none:
      break;
  }
  return type_of(s.name);
}

parsed_condition parse_condition(std::string_view text) {
  return parser(text).parse();
}

}  // namespace fleetcheck::conditions::detail
