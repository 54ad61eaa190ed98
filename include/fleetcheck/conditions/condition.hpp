#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fleetcheck::conditions {

/// A condition that does not parse, or that compares things that cannot be compared.
/// what() is one line that quotes the condition; callers add file, line and target.
class condition_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a condition looks at: one check's observation. Plain values.
struct observation {
  bool connected = false;
  int status = 0;  // 0 = no HTTP response
  double response_time_ms = 0;
  std::string_view body;                                           // may be empty
  std::optional<std::chrono::nanoseconds> certificate_expiration;  // time left; nullopt = no TLS
};

/// The result of evaluating one condition: ok, and a description with the actual value,
/// e.g. "[STATUS] (503) == 200", "[BODY].status (down) == ok", "len([BODY].items) (0) > 0".
/// The actual value is shortened and kept on one line, so descriptions are safe to log.
struct verdict {
  bool ok;
  std::string description;
};

namespace detail {
struct parsed_condition;
}

/// One parsed condition (Gatus syntax, stricter typing). Immutable after parse; copies are cheap
/// and share state; evaluate() is const and thread-safe.
class condition {
 public:
  /// Parses e.g. "[STATUS] == 200", "[BODY].data.items[0].id == 42", "len([BODY].items) > 0",
  /// "[CERTIFICATE_EXPIRATION] > 48h". Throws condition_error when the text does not parse or
  /// compares values of incompatible types.
  static condition parse(std::string_view text);

  /// The text as given to parse().
  const std::string& text() const;

  /// True when the condition reads the body ([BODY], len([BODY]...), has([BODY]...)).
  bool needs_body() const;

  /// Evaluates this condition alone. To evaluate several against one observation use
  /// evaluate_all(), which parses a JSON body only once.
  verdict evaluate(const observation& obs) const;

 private:
  explicit condition(std::shared_ptr<const detail::parsed_condition> parsed);

  std::shared_ptr<const detail::parsed_condition> parsed_;

  friend std::vector<verdict> evaluate_all(const std::vector<condition>& conditions,
                                           const observation& obs);
};

/// Evaluates many conditions against one observation, parsing the body as JSON at most once.
/// Returns the FAILED conditions' verdicts only (empty = all passed), in the conditions' order.
std::vector<verdict> evaluate_all(const std::vector<condition>& conditions, const observation& obs);

}  // namespace fleetcheck::conditions
