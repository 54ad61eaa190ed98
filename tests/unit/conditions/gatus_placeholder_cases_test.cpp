// Gatus's config/endpoint/placeholder_test.go, case by case, as read at TwiN/gatus commit
// 08c463542f56872a267e5b2e1e1cf421f0ea8a6a: TestResolvePlaceholder and
// TestResolvePlaceholderWithoutContext.
//
// Those tests check what a placeholder resolves to. fleetcheck has no resolve-to-text step, so
// each case becomes the condition whose verdict that resolution decides: "[STATUS]" resolving to
// "200" becomes "[STATUS] == 200" passing.
//
// Skipped, because they need what fleetcheck does not have:
//   - "domain-expiration" ([DOMAIN_EXPIRATION]): no WHOIS lookups.
//   - "context-user-id", "context-session-token", "context-nested", "len-context-array",
//     "has-context-user-id", "has-context-missing", "context-without-context" and
//     "has-context-without-context" ([CONTEXT]): Gatus's suites, which fleetcheck does not have.

#include <chrono>
#include <vector>

#include <gtest/gtest.h>

#include "gatus_case.hpp"

namespace fleetcheck::conditions::testing {
namespace {

using namespace std::chrono_literals;

// TestResolvePlaceholder's Result (DomainExpiration has no counterpart).
const observation result = {
    .connected = true,
    .status = 200,
    .response_time_ms = 250,
    .body = R"({"status":"success","items":[1,2,3],"user":{"name":"john","id":123}})",
    .certificate_expiration = 24h * 30,
    .ip = "127.0.0.1",
    .dns_rcode = "NOERROR",
};

// TestResolvePlaceholderWithoutContext's Result.
const observation result_404 = {.status = 404, .body = R"({"error":"not found"})"};

constexpr std::string_view typed_function =
    "Gatus applies len()/has() to the text of any placeholder (len([STATUS]) is 3); fleetcheck "
    "takes them only on [BODY] and the text placeholders and rejects the rest";
constexpr std::string_view unknown_placeholder =
    "Gatus reads an unknown placeholder as literal text; fleetcheck rejects it, since it is "
    "almost always a typo";
constexpr std::string_view no_placeholder =
    "Gatus compares two literals; fleetcheck rejects a condition without a placeholder";

const std::vector<gatus_case> placeholder_cases = {
    // Basic placeholders
    {"status", "[STATUS] == 200", result, expect::pass},
    {"ip", "[IP] == 127.0.0.1", result, expect::pass},
    {"response-time", "[RESPONSE_TIME] == 250", result, expect::pass},
    {"dns-rcode", "[DNS_RCODE] == NOERROR", result, expect::pass},
    {"connected", "[CONNECTED] == true", result, expect::pass},
    // fleetcheck's spelling, [CERTIFICATE_EXPIRATION] == 720h, passes (see condition_evaluate).
    {"certificate-expiration",
     "[CERTIFICATE_EXPIRATION] == 2592000000",
     result,
     expect::parse_error,
     {},
     "Gatus reads a bare number as milliseconds; fleetcheck wants a unit and rejects it"},
    {"body", R"([BODY] == {"status":"success","items":[1,2,3],"user":{"name":"john","id":123}})",
     result, expect::pass},
    // Case insensitive placeholders
    {"status-lowercase", "[status] == 200", result, expect::pass},
    {"ip-mixed-case", "[Ip] == 127.0.0.1", result, expect::pass},
    // Function wrappers on basic placeholders
    {"len-status", "len([STATUS]) == 3", result, expect::parse_error, {}, typed_function},
    {"len-ip", "len([IP]) == 9", result, expect::pass},
    {"has-status", "has([STATUS]) == true", result, expect::parse_error, {}, typed_function},
    {"has-empty",
     "has() == false",
     result,
     expect::parse_error,
     {},
     "Gatus reads has() of nothing as false; fleetcheck rejects it"},
    // JSONPath expressions
    {"body-status", "[BODY].status == success", result, expect::pass},
    {"body-user-name", "[BODY].user.name == john", result, expect::pass},
    {"body-user-id", "[BODY].user.id == 123", result, expect::pass},
    {"len-body-items", "len([BODY].items) == 3", result, expect::pass},
    {"body-array-index", "[BODY].items[0] == 1", result, expect::pass},
    {"has-body-status", "has([BODY].status) == true", result, expect::pass},
    {"has-body-missing", "has([BODY].missing) == false", result, expect::pass},
    // Invalid placeholders
    {"unknown-placeholder",
     "[UNKNOWN] == [UNKNOWN]",
     result,
     expect::parse_error,
     {},
     unknown_placeholder},
    {"len-unknown", "len([UNKNOWN]) == 0", result, expect::parse_error, {}, unknown_placeholder},
    {"has-unknown",
     "has([UNKNOWN]) == false",
     result,
     expect::parse_error,
     {},
     unknown_placeholder},
    // Gatus resolves it to "[BODY].invalid.path (INVALID)", which equals nothing.
    {"invalid-jsonpath", "[BODY].invalid.path == success", result, expect::fail,
     "[BODY].invalid.path (missing) == success"},
    // Literal strings
    {"literal-string", "literal == literal", result, expect::parse_error, {}, no_placeholder},
    {"number-string", "123 == 123", result, expect::parse_error, {}, no_placeholder},
    // TestResolvePlaceholderWithoutContext
    {"status-without-context", "[STATUS] == 404", result_404, expect::pass},
    {"body-without-context", "[BODY].error == not found", result_404, expect::pass},
};

class gatus_placeholder : public ::testing::TestWithParam<gatus_case> {};

TEST_P(gatus_placeholder, verdict) {
  check(GetParam());
}

INSTANTIATE_TEST_SUITE_P(gatus_resolve, gatus_placeholder, ::testing::ValuesIn(placeholder_cases),
                         [](const auto& param) {
                           return case_name(placeholder_cases, param.index);
                         });

}  // namespace
}  // namespace fleetcheck::conditions::testing
