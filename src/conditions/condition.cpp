#include "fleetcheck/conditions/condition.hpp"

#include <cmath>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "condition_parser.hpp"
#include "fleetcheck/core/duration.hpp"
#include "json_path.hpp"

namespace fleetcheck::conditions {
namespace {

using detail::comparison;
using detail::operand;
using detail::parsed_condition;
using detail::rhs_kind;
using detail::subject_kind;

// dump() recurses once per nesting level, and a probed server controls the body; legitimate
// health documents are nowhere near this deep.
constexpr std::size_t max_json_depth = 256;

// Bodies can be megabytes; a description has to fit in a log line.
constexpr std::size_t max_shown_bytes = 80;

bool nested_deeper_than(std::string_view body, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// Parsed on first use so that a batch of conditions parses the body at most once, and a batch
// that never uses a path does not parse it at all.
class body_document {
 public:
  explicit body_document(std::string_view body) : body_(body) {}

  /// nullptr when the body is not usable JSON; problem() then says why.
  const nlohmann::json* json() {
    if (!parsed_) {
      parsed_ = true;
      if (nested_deeper_than(body_, max_json_depth)) {
        problem_ = "body JSON is nested too deeply";
      } else {
        json_ = nlohmann::json::parse(body_, nullptr, false);
        if (json_.is_discarded()) problem_ = "body is not JSON";
      }
    }
    return problem_.empty() ? &json_ : nullptr;
  }

  std::string_view problem() const { return problem_; }
  std::string_view text() const { return body_; }

 private:
  std::string_view body_;
  bool parsed_ = false;
  nlohmann::json json_;
  std::string_view problem_;
};

struct actual {
  enum class kind { number, boolean, duration, json, text, unavailable };
  kind type = kind::unavailable;
  double number = 0;
  bool boolean = false;
  std::chrono::nanoseconds duration{};
  const nlohmann::json* json = nullptr;
  std::string_view text;  // the trimmed body for kind::text, the reason for kind::unavailable
};

actual make_actual(actual::kind type) {
  actual a;
  a.type = type;
  return a;
}

actual number_value(double n) {
  auto a = make_actual(actual::kind::number);
  a.number = n;
  return a;
}

actual boolean_value(bool b) {
  auto a = make_actual(actual::kind::boolean);
  a.boolean = b;
  return a;
}

actual text_value(actual::kind type, std::string_view text) {
  auto a = make_actual(type);
  a.text = text;
  return a;
}

actual unavailable(std::string_view why) {
  return text_value(actual::kind::unavailable, why);
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(first, last - first + 1);
}

double length_of(const nlohmann::json& value) {
  if (value.is_array() || value.is_object()) return static_cast<double>(value.size());
  if (value.is_string()) return static_cast<double>(value.get_ref<const std::string&>().size());
  return static_cast<double>(value.dump().size());
}

actual observe(const parsed_condition& c, const observation& obs, body_document& body) {
  switch (c.subject) {
    case subject_kind::status:
      return number_value(obs.status);
    case subject_kind::response_time:
      return number_value(obs.response_time_ms);
    case subject_kind::connected:
      return boolean_value(obs.connected);
    case subject_kind::certificate_expiration:
      if (!obs.certificate_expiration) return unavailable("no certificate");
      {
        auto a = make_actual(actual::kind::duration);
        a.duration = *obs.certificate_expiration;
        return a;
      }
    case subject_kind::body:
    case subject_kind::body_length:
    case subject_kind::body_has:
      break;
  }
  if (c.path.empty()) {
    if (c.subject == subject_kind::body_length) {
      return number_value(static_cast<double>(body.text().size()));
    }
    if (c.subject == subject_kind::body_has) return boolean_value(!body.text().empty());
    // Servers end bodies with a newline that a one-line condition cannot express.
    return text_value(actual::kind::text, trim(body.text()));
  }
  const auto* document = body.json();
  if (document == nullptr) return unavailable(body.problem());
  const auto* node = detail::resolve(*document, c.path);
  if (c.subject == subject_kind::body_has) return boolean_value(node != nullptr);
  if (node == nullptr) return unavailable("missing");
  if (c.subject == subject_kind::body_length) return number_value(length_of(*node));
  auto a = make_actual(actual::kind::json);
  a.json = node;
  return a;
}

std::string format_number(double n) {
  // Whole numbers without a trailing ".0": statuses and lengths read as integers.
  if (std::isfinite(n) && n == std::trunc(n) && std::fabs(n) < 1e15) {
    return fmt::format("{}", static_cast<long long>(n));
  }
  return fmt::format("{}", n);
}

/// The value as text; storage holds it when it is not already text somewhere.
std::string_view string_form(const actual& a, std::string& storage) {
  switch (a.type) {
    case actual::kind::number:
      return storage = format_number(a.number);
    case actual::kind::boolean:
      return a.boolean ? "true" : "false";
    case actual::kind::duration:
      return storage = core::format_duration(a.duration);
    case actual::kind::json:
      if (a.json->is_string()) return a.json->get_ref<const std::string&>();
      return storage = a.json->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    case actual::kind::text:
    case actual::kind::unavailable:
      return a.text;
  }
  return a.text;
}

std::optional<double> numeric(const actual& a) {
  switch (a.type) {
    case actual::kind::number:
      return a.number;
    case actual::kind::json:
      if (a.json->is_number()) return a.json->get<double>();
      if (a.json->is_string()) return detail::parse_number(a.json->get_ref<const std::string&>());
      return std::nullopt;
    case actual::kind::text:
      return detail::parse_number(a.text);
    default:
      return std::nullopt;
  }
}

std::optional<bool> truth(std::string_view s) {
  if (s == "true") return true;
  if (s == "false") return false;
  return std::nullopt;
}

std::optional<bool> boolean_of(const actual& a) {
  switch (a.type) {
    case actual::kind::boolean:
      return a.boolean;
    case actual::kind::json:
      if (a.json->is_boolean()) return a.json->get<bool>();
      if (a.json->is_string()) return truth(a.json->get_ref<const std::string&>());
      return std::nullopt;
    case actual::kind::text:
      return truth(a.text);
    default:
      return std::nullopt;
  }
}

template <typename T>
std::optional<int> three_way(T left, T right) {
  if (left < right) return -1;
  if (right < left) return 1;
  if (left == right) return 0;
  return std::nullopt;  // NaN
}

/// <0, 0 or >0 like a comparison function; nullopt when the two have no common type.
std::optional<int> compare(const actual& a, const operand& value) {
  switch (value.type) {
    case operand::kind::number:
      if (const auto n = numeric(a)) return three_way(*n, value.number);
      return std::nullopt;
    case operand::kind::boolean:
      if (const auto b = boolean_of(a)) return *b == value.boolean ? 0 : 1;
      return std::nullopt;
    case operand::kind::duration:
      if (a.type != actual::kind::duration) return std::nullopt;
      return three_way(a.duration.count(), value.duration.count());
    case operand::kind::text: {
      std::string storage;
      return string_form(a, storage) == value.text ? 0 : 1;
    }
  }
  return std::nullopt;
}

bool holds(comparison op, int order) {
  switch (op) {
    case comparison::eq:
      return order == 0;
    case comparison::ne:
      return order != 0;
    case comparison::lt:
      return order < 0;
    case comparison::le:
      return order <= 0;
    case comparison::gt:
      return order > 0;
    case comparison::ge:
      return order >= 0;
  }
  return false;
}

// Steps over one UTF-8 character so that "?" matches "é"; malformed bytes count as one each.
std::size_t char_length(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  const std::size_t expected = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  std::size_t length = 1;
  while (length < expected && i + length < s.size() &&
         (static_cast<unsigned char>(s[i + length]) & 0xC0) == 0x80) {
    ++length;
  }
  return length;
}

// Backtracks only to the latest "*", which keeps the worst case at O(pattern * text) instead of
// the exponential blow-up of naive recursion on patterns like "*a*a*a*b".
bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == '?') {
      ++p;
      t += char_length(text, t);
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      resume += char_length(text, resume);
      t = resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool passes(const parsed_condition& c, const actual& a) {
  if (a.type == actual::kind::unavailable) return false;
  if (c.rhs == rhs_kind::pattern) {
    std::string storage;
    return glob_match(c.pattern, string_form(a, storage)) == (c.op == comparison::eq);
  }
  if (!detail::is_ordering(c.op)) {
    // "!=" must not pass just because the value is of another type ("abc" != 5): it passes
    // only when the value is comparable with the right-hand side and differs from it.
    bool comparable = false;
    bool equal = false;
    for (const auto& value : c.values) {
      if (const auto order = compare(a, value)) {
        comparable = true;
        if (*order == 0) {
          equal = true;
          break;
        }
      }
    }
    return c.op == comparison::eq ? equal : comparable && !equal;
  }
  const auto order = compare(a, c.values.front());
  return order && holds(c.op, *order);
}

std::string shorten(std::string_view text) {
  if (text.size() <= max_shown_bytes) return std::string(text);
  std::size_t cut = max_shown_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// Descriptions end up in single-line logs and reports; bodies and keys may hold any byte.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

std::string describe(const parsed_condition& c, const actual& a) {
  std::string storage;
  return one_line(fmt::format("{} ({}) {} {}", c.subject_text, shorten(string_form(a, storage)),
                              detail::to_string(c.op), c.rhs_text));
}

}  // namespace

condition::condition(std::shared_ptr<const detail::parsed_condition> parsed)
    : parsed_(std::move(parsed)) {}

condition condition::parse(std::string_view text) {
  return condition(std::make_shared<const detail::parsed_condition>(detail::parse_condition(text)));
}

const std::string& condition::text() const {
  return parsed_->text;
}

bool condition::needs_body() const {
  return parsed_->subject == subject_kind::body || parsed_->subject == subject_kind::body_length ||
         parsed_->subject == subject_kind::body_has;
}

verdict condition::evaluate(const observation& obs) const {
  body_document body(obs.body);
  const auto a = observe(*parsed_, obs, body);
  return {passes(*parsed_, a), describe(*parsed_, a)};
}

std::vector<verdict> evaluate_all(const std::vector<condition>& conditions,
                                  const observation& obs) {
  body_document body(obs.body);
  std::vector<verdict> failed;
  for (const auto& c : conditions) {
    const auto a = observe(*c.parsed_, obs, body);
    if (!passes(*c.parsed_, a)) failed.push_back({false, describe(*c.parsed_, a)});
  }
  return failed;
}

}  // namespace fleetcheck::conditions
