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

/// What a condition looks at: one check's observation. Plain values; the views must outlive the
/// evaluate() or evaluate_all() call.
struct observation {
  bool connected = false;
  int status = 0;  // 0 = no HTTP response
  double response_time_ms = 0;
  std::string_view body{};                                           // may be empty
  std::optional<std::chrono::nanoseconds> certificate_expiration{};  // time left; nullopt = no TLS
  std::string_view ip{};           // [IP]: the address connected to, e.g. "10.0.0.7"; empty = none
  std::string_view dns_rcode{};    // [DNS_RCODE], e.g. "NOERROR"; empty = not a DNS check
  std::string_view grpc_status{};  // [GRPC_STATUS], e.g. "SERVING"; empty = not a gRPC check
};

/// The result of evaluating one condition: ok, and a description with the actual value of each
/// placeholder, e.g. "[STATUS] (503) == 200", "[BODY].status (down) == ok",
/// "[BODY].a (1) == [BODY].b (2)", or why there is none: "[BODY].x (missing) == 1".
/// Actual values are shortened, and descriptions are one line of valid UTF-8 (control
/// characters and bytes that are not UTF-8 are escaped), so they are safe to log and render.
struct verdict {
  bool ok;
  std::string description;
};

namespace detail {
struct parsed_condition;
}

/// One parsed condition (Gatus syntax, stricter typing; docs/conditions.md). Immutable after
/// parse; copies are cheap and share state; evaluate() is const and thread-safe, and neither it
/// nor evaluate_all() throws on any observation (hostile bodies included).
class condition {
 public:
  /// Parses e.g. "[STATUS] == 200", "[BODY].data.items[0].id == 42", "len([BODY].items) > 0",
  /// "[CERTIFICATE_EXPIRATION] > 48h", "[BODY].age == [BODY].id", "any(200, 429) == [STATUS]".
  /// Throws condition_error when the text does not parse or compares values of incompatible
  /// types, so that a typo is a config error rather than a condition that is never true.
  static condition parse(std::string_view text);

  /// The text as given to parse().
  const std::string& text() const;

  /// True when either side reads the body ([BODY], len([BODY]...), has([BODY]...)).
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
