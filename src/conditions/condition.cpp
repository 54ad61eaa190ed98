#include "fleetcheck/conditions/condition.hpp"

#include <optional>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "condition_parser.hpp"
#include "json_path.hpp"
#include "safe_text.hpp"
#include "value.hpp"

namespace fleetcheck::conditions {
namespace {

using detail::comparison;
using detail::function;
using detail::number;
using detail::operand;
using detail::parsed_condition;
using detail::placeholder;
using detail::subject;
using detail::value;

// Parsing is iterative, but dump() and destruction recurse once per nesting level, and a probed
// server controls the body; legitimate health documents are nowhere near this deep.
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

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(first, last - first + 1);
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
        too_deep_ = true;
      } else {
        // No exceptions: invalid JSON, invalid UTF-8 and numbers out of range all come back as
        // a discarded value.
        json_ = nlohmann::json::parse(body_, nullptr, false);
        if (json_.is_discarded()) problem_ = "body is not JSON";
      }
    }
    return problem_.empty() ? &json_ : nullptr;
  }

  std::string_view problem() const { return problem_; }

  /// After json() returned nullptr: true when the body is JSON that is too deep to read, rather
  /// than not JSON at all.
  bool too_deep() const { return too_deep_; }

  /// The body without the surrounding whitespace (servers end bodies with a newline that a
  /// one-line condition cannot express), as Gatus trims it.
  std::string_view text() const { return trim(body_); }

 private:
  std::string_view body_;
  bool parsed_ = false;
  bool too_deep_ = false;
  nlohmann::json json_;
  std::string_view problem_;
};

value count(std::size_t n) {
  return detail::number_value(number::of(static_cast<std::int64_t>(n)));
}

// len() of a JSON value: elements of an array, members of an object (Gatus counts the characters
// of the object's minified JSON instead), bytes of a string, characters of a number or boolean.
value length_of(const nlohmann::json& node) {
  if (node.is_array() || node.is_object()) return count(node.size());
  const auto v = detail::json_value(node);
  if (v.type == value::kind::missing) return v;
  if (v.type == value::kind::text) return count(v.text.size());
  return count(detail::text_of(v).size());
}

// len([BODY]): a JSON array or object counts its elements or members; anything else, including
// text that only looks like JSON, counts bytes.
value body_length(body_document& body) {
  const auto text = body.text();
  const bool container = text.size() >= 2 && ((text.front() == '[' && text.back() == ']') ||
                                              (text.front() == '{' && text.back() == '}'));
  if (container) {
    if (const auto* document = body.json()) return count(document->size());
    if (body.too_deep()) return detail::missing_value(body.problem());
  }
  return count(text.size());
}

value observe_body(const subject& s, body_document& body) {
  if (s.path.empty()) {
    switch (s.fn) {
      case function::len:
        return body_length(body);
      case function::has:
        return detail::boolean_value(!body.text().empty());
      case function::none:
        return detail::text_value(body.text());
    }
  }
  const auto* document = body.json();
  if (document == nullptr) {
    // A body that is not JSON has no paths, as in Gatus; one too deep to read might.
    if (s.fn == function::has && !body.too_deep()) {
      return detail::boolean_value(false);
    }
    return detail::missing_value(body.problem());
  }
  const auto* node = detail::resolve(*document, s.path);
  // JSON null counts as absent, as in Gatus: has([BODY].errors) == false passes on
  // {"errors": null}.
  if (s.fn == function::has) return detail::boolean_value(node != nullptr && !node->is_null());
  if (node == nullptr) return detail::missing_value("missing");
  if (s.fn == function::len) return length_of(*node);
  return detail::json_value(*node);
}

// [IP], [DNS_RCODE] and [GRPC_STATUS]: empty means the check had no such thing.
value observe_text(const subject& s, std::string_view text, std::string_view why_empty) {
  switch (s.fn) {
    case function::len:
      return count(text.size());
    case function::has:
      return detail::boolean_value(!text.empty());
    case function::none:
      break;
  }
  return text.empty() ? detail::missing_value(why_empty) : detail::text_value(text);
}

value observe(const subject& s, const observation& obs, body_document& body) {
  switch (s.name) {
    case placeholder::status:
      return detail::number_value(number::of(std::int64_t{obs.status}));
    case placeholder::response_time:
      return detail::number_value(number::of(obs.response_time_ms));
    case placeholder::connected:
      return detail::boolean_value(obs.connected);
    case placeholder::certificate_expiration:
      // Gatus reads a missing certificate as 0, which passes "< 48h" and "== 0"; a certificate
      // condition on a check without TLS is a mistake to report, not a value to compare.
      if (!obs.certificate_expiration) {
        return detail::missing_value("no certificate: not a TLS check");
      }
      return detail::duration_value(*obs.certificate_expiration);
    case placeholder::ip:
      return observe_text(s, obs.ip, "no IP: not connected");
    case placeholder::dns_rcode:
      return observe_text(s, obs.dns_rcode, "none: not a DNS check");
    case placeholder::grpc_status:
      return observe_text(s, obs.grpc_status, "none: not a gRPC check");
    case placeholder::body:
      break;
  }
  return observe_body(s, body);
}

value literal_value(const detail::literal& l) {
  switch (l.type) {
    case detail::value_type::number:
      return detail::number_value(l.num);
    case detail::value_type::boolean:
      return detail::boolean_value(l.boolean);
    case detail::value_type::duration:
      return detail::duration_value(l.duration);
    case detail::value_type::text:
    case detail::value_type::dynamic:
      break;
  }
  return detail::text_value(l.text);
}

// Only subjects and single values resolve; any() and pat() are applied in passes().
value resolve(const operand& o, const observation& obs, body_document& body) {
  if (o.type == operand::kind::subject) return observe(o.read, obs, body);
  if (o.type == operand::kind::literal) return literal_value(o.values.front());
  return detail::missing_value({});
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

bool passes(const parsed_condition& c, const value& left, const value& right) {
  // pat() and any() may stand on either side (Gatus allows "any(200, 429) == [STATUS]").
  const bool function_on_left =
      c.left.type == operand::kind::pattern || c.left.type == operand::kind::any;
  const operand& function_side = function_on_left ? c.left : c.right;
  const value& other = function_on_left ? right : left;
  const bool want_equal = c.op == comparison::eq;
  if (function_side.type == operand::kind::pattern) {
    const bool matched = other.type != value::kind::missing &&
                         function_side.pattern->matches(detail::text_of(other));
    return matched == want_equal;
  }
  if (function_side.type == operand::kind::any) {
    bool found = false;
    for (const auto& l : function_side.values)
      found = found || detail::equal(other, literal_value(l));
    return found == want_equal;
  }
  // != is exactly "not ==", as in Gatus: a missing value differs from everything.
  if (!detail::is_ordering(c.op)) return detail::equal(left, right) == want_equal;
  const auto order = detail::order(left, right);
  return order && holds(c.op, *order);
}

// "[STATUS] (503)": a placeholder with the value it had; values and functions as written.
std::string side(const operand& o, const value& v) {
  if (o.type != operand::kind::subject) return detail::printable(o.text);
  return fmt::format("{} ({})", detail::printable(o.text),
                     detail::printable_prefix(detail::text_of(v), max_shown_bytes));
}

/// The verdict, with a description only when it is wanted (evaluate_all skips passing ones).
verdict judge(const parsed_condition& c, const observation& obs, body_document& body,
              bool describe_passing) {
  const auto left = resolve(c.left, obs, body);
  const auto right = resolve(c.right, obs, body);
  verdict v{passes(c, left, right), {}};
  if (!v.ok || describe_passing) {
    v.description =
        fmt::format("{} {} {}", side(c.left, left), detail::to_string(c.op), side(c.right, right));
  }
  return v;
}

bool reads_body(const operand& o) {
  return o.type == operand::kind::subject && o.read.name == placeholder::body;
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
  return reads_body(parsed_->left) || reads_body(parsed_->right);
}

verdict condition::evaluate(const observation& obs) const {
  body_document body(obs.body);
  return judge(*parsed_, obs, body, true);
}

std::vector<verdict> evaluate_all(const std::vector<condition>& conditions,
                                  const observation& obs) {
  body_document body(obs.body);
  std::vector<verdict> failed;
  for (const auto& c : conditions) {
    auto v = judge(*c.parsed_, obs, body, false);
    if (!v.ok) failed.push_back(std::move(v));
  }
  return failed;
}

}  // namespace fleetcheck::conditions
