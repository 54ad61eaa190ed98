// Parses arbitrary text as a condition and evaluates whatever parses. Anything but a clean
// parse or a condition_error (crash, other exception, sanitizer report) is a bug.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fleetcheck/conditions/condition.hpp"

namespace {

using namespace std::chrono_literals;
namespace conditions = fleetcheck::conditions;

constexpr std::string_view json_body =
    R"({"status": "UP", "count": 7, "ok": true, "name": "h\u00e9llo",
  "nothing": null, "data": {"items": [{"id": 42}, {"id": "43", "tags": ["a", "b"]}]}, "empty": {}})";

conditions::observation with_json() {
  conditions::observation obs;
  obs.connected = true;
  obs.status = 200;
  obs.response_time_ms = 123.5;
  obs.body = json_body;
  obs.certificate_expiration = 72h;
  return obs;
}

conditions::observation without_response() {
  conditions::observation obs;
  obs.body = "<html>not json</html>\n";
  return obs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto parsed = conditions::condition::parse(text);
    (void)parsed.text();
    (void)parsed.needs_body();
    (void)parsed.evaluate(with_json());
    (void)parsed.evaluate(without_response());
    const std::vector<conditions::condition> all = {parsed, parsed};
    (void)conditions::evaluate_all(all, with_json());
  } catch (const conditions::condition_error&) {
    // Rejecting input is the parser's job; only crashes and other exceptions are findings.
  }
  return 0;
}
