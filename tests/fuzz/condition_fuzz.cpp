// Parses arbitrary text as a condition and evaluates whatever parses, against fixed observations
// and against a fuzzed body. Input: condition text, then optionally a NUL byte and the body.
// Anything but a clean parse or a condition_error (a crash, another exception, a sanitizer
// report) is a bug, and so is a description that is not one line of valid UTF-8 or an
// evaluate() that disagrees with evaluate_all().
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fleetcheck/conditions/condition.hpp"

namespace {

using namespace std::chrono_literals;
namespace conditions = fleetcheck::conditions;

// Bodies are capped by max_body in real checks; this keeps each run fast whatever the corpus.
constexpr std::size_t max_input = 64 * 1024;

constexpr std::string_view json_body =
    R"({"status": "UP", "count": 7, "ok": true, "name": "h\u00e9llo", "hex": "0x1F",
  "nothing": null, "data": {"items": [{"id": 42}, {"id": "43", "tags": ["a", "b"]}]}, "empty": {}})";

conditions::observation full(std::string_view body) {
  conditions::observation obs;
  obs.connected = true;
  obs.status = 200;
  obs.response_time_ms = 123.5;
  obs.body = body;
  obs.certificate_expiration = 72h;
  obs.ip = "10.0.0.7";
  obs.dns_rcode = "NOERROR";
  obs.grpc_status = "SERVING";
  return obs;
}

conditions::observation without_response(std::string_view body) {
  conditions::observation obs;
  obs.body = body;
  return obs;
}

// Valid UTF-8 with no C0 control characters or DEL: safe to log as one line.
bool is_safe_line(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t length = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xC2) || c > 0xF4) return false;
    if (i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

void check(const conditions::condition& c, const conditions::observation& obs) {
  const auto v = c.evaluate(obs);
  if (!is_safe_line(v.description)) __builtin_trap();
  const auto failed = conditions::evaluate_all({c, c}, obs);
  if (failed.size() != (v.ok ? 0U : 2U)) __builtin_trap();
  for (const auto& f : failed) {
    if (f.description != v.description) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > max_input) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  const auto text = input.substr(0, split);
  const auto body = split == std::string_view::npos ? json_body : input.substr(split + 1);
  try {
    const auto parsed = conditions::condition::parse(text);
    (void)parsed.needs_body();
    check(parsed, full(body));
    check(parsed, full(json_body));
    check(parsed, without_response(body));
  } catch (const conditions::condition_error& e) {
    // Rejecting input is the parser's job; the message must still be safe to log.
    if (!is_safe_line(e.what())) __builtin_trap();
  }
  return 0;
}
