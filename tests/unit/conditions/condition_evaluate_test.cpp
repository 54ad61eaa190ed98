// Evaluation of the placeholders other than [BODY], and the comparison rules every side shares.

#include <chrono>

#include <gtest/gtest.h>

#include "condition_test_support.hpp"

namespace fleetcheck::conditions::testing {
namespace {

using namespace std::chrono_literals;

// --- [STATUS], [RESPONSE_TIME], [CONNECTED] ---------------------------------------------------

TEST(condition_evaluate, status_passes_when_equal) {
  EXPECT_TRUE(passes("[STATUS] == 200", http(200)));
}

TEST(condition_evaluate, status_fails_with_actual_value_in_description) {
  const auto v = eval("[STATUS] == 200", http(503));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[STATUS] (503) == 200");
}

TEST(condition_evaluate, status_supports_every_operator) {
  const auto obs = http(204);
  EXPECT_TRUE(passes("[STATUS] < 300", obs));
  EXPECT_FALSE(passes("[STATUS] < 204", obs));
  EXPECT_TRUE(passes("[STATUS] <= 204", obs));
  EXPECT_TRUE(passes("[STATUS] > 199", obs));
  EXPECT_FALSE(passes("[STATUS] > 204", obs));
  EXPECT_TRUE(passes("[STATUS] >= 204", obs));
  EXPECT_TRUE(passes("[STATUS] != 200", obs));
  EXPECT_FALSE(passes("[STATUS] != 204", obs));
}

TEST(condition_evaluate, status_matches_any_of_a_list) {
  EXPECT_TRUE(passes("[STATUS] == any(200, 201, 204)", http(201)));
  const auto v = eval("[STATUS] == any(200,201 ,  204)", http(500));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[STATUS] (500) == any(200, 201, 204)");
}

TEST(condition_evaluate, status_not_equal_any_passes_when_no_value_matches) {
  EXPECT_TRUE(passes("[STATUS] != any(500, 502)", http(200)));
  EXPECT_FALSE(passes("[STATUS] != any(500, 502)", http(502)));
}

TEST(condition_evaluate, status_matches_a_pattern_by_its_digits) {
  EXPECT_TRUE(passes("[STATUS] == pat(2?4)", http(204)));
  EXPECT_FALSE(passes("[STATUS] == pat(2?4)", http(404)));
  EXPECT_TRUE(passes("[STATUS] != pat(5*)", http(404)));
  EXPECT_TRUE(passes("[STATUS] == pat([23]0?)", http(301)));
}

TEST(condition_evaluate, status_is_zero_without_http_response) {
  observation obs;
  EXPECT_EQ(eval("[STATUS] == 200", obs).description, "[STATUS] (0) == 200");
}

TEST(condition_evaluate, response_time_fails_with_milliseconds_in_description) {
  const auto v = eval("[RESPONSE_TIME] < 500", http(200, {}, 812));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[RESPONSE_TIME] (812) < 500");
  EXPECT_TRUE(passes("[RESPONSE_TIME] < 500", http(200, {}, 499.5)));
  EXPECT_EQ(eval("[RESPONSE_TIME] < 1", http(200, {}, 2.5)).description,
            "[RESPONSE_TIME] (2.5) < 1");
}

TEST(condition_evaluate, response_time_accepts_a_duration_with_unit) {
  EXPECT_TRUE(passes("[RESPONSE_TIME] < 1s", http(200, {}, 999)));
  EXPECT_FALSE(passes("[RESPONSE_TIME] < 1s", http(200, {}, 1000)));
  EXPECT_TRUE(passes("[RESPONSE_TIME] <= 500ms", http(200, {}, 500)));
}

TEST(condition_evaluate, connected_compares_with_true_and_false) {
  observation down;
  const auto v = eval("[CONNECTED] == true", down);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[CONNECTED] (false) == true");
  EXPECT_TRUE(passes("[CONNECTED] == true", http(200)));
  EXPECT_TRUE(passes("[CONNECTED] != false", http(200)));
  EXPECT_TRUE(passes("[CONNECTED] == false", down));
}

// --- [CERTIFICATE_EXPIRATION] -------------------------------------------------------------------

TEST(condition_evaluate, certificate_expiration_compares_durations) {
  auto obs = http(200);
  obs.certificate_expiration = 11h;
  const auto v = eval("[CERTIFICATE_EXPIRATION] > 48h", obs);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[CERTIFICATE_EXPIRATION] (11h) > 48h");
  obs.certificate_expiration = 72h + 30min;
  EXPECT_TRUE(passes("[CERTIFICATE_EXPIRATION] > 48h", obs));
  EXPECT_TRUE(passes("[CERTIFICATE_EXPIRATION] >= 2d", obs));
  EXPECT_FALSE(passes("[CERTIFICATE_EXPIRATION] < 1h30m", obs));
  obs.certificate_expiration = 720h;
  EXPECT_TRUE(passes("[CERTIFICATE_EXPIRATION] == 720h", obs));  // Gatus: == 2592000000
}

// Gatus reads "no certificate" as 0, so "< 48h" and "== 0" pass on plain HTTP. A certificate
// condition on a check without TLS is a mistake that should show, with a description saying so.
TEST(condition_evaluate, certificate_expiration_fails_every_comparison_without_tls) {
  const auto v = eval("[CERTIFICATE_EXPIRATION] > 48h", http(200));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[CERTIFICATE_EXPIRATION] (no certificate: not a TLS check) > 48h");
  EXPECT_FALSE(passes("[CERTIFICATE_EXPIRATION] < 48h", http(200)));
  EXPECT_FALSE(passes("[CERTIFICATE_EXPIRATION] == 0", http(200)));
  EXPECT_FALSE(passes("[CERTIFICATE_EXPIRATION] == any(0, 1h)", http(200)));
}

TEST(condition_evaluate, certificate_expiration_shows_expired_certificates_as_negative) {
  auto obs = http(200);
  obs.certificate_expiration = -2h;
  EXPECT_EQ(eval("[CERTIFICATE_EXPIRATION] > 1h", obs).description,
            "[CERTIFICATE_EXPIRATION] (-2h) > 1h");
}

TEST(condition_evaluate, certificate_expiration_compares_with_a_duration_from_the_body) {
  auto obs = http(200, R"({"min": "36h", "bare": "36"})");
  obs.certificate_expiration = 48h;
  EXPECT_TRUE(passes("[CERTIFICATE_EXPIRATION] > [BODY].min", obs));
  EXPECT_FALSE(passes("[CERTIFICATE_EXPIRATION] > [BODY].bare", obs));  // no unit: not a duration
}

// --- [IP], [DNS_RCODE], [GRPC_STATUS] -----------------------------------------------------------

TEST(condition_evaluate, ip_is_the_address_connected_to) {
  auto obs = http(200);
  obs.ip = "10.1.2.3";
  EXPECT_TRUE(passes("[IP] == 10.1.2.3", obs));
  EXPECT_TRUE(passes("[IP] == pat(10.*)", obs));
  EXPECT_TRUE(passes("[IP] == any(10.1.2.3, ::1)", obs));
  EXPECT_FALSE(passes("[IP] == [BODY].ip", http(200, R"({"ip": "10.1.2.3"})")));  // no [IP]
  obs.body = R"({"ip": "10.1.2.3"})";
  EXPECT_TRUE(passes("[IP] == [BODY].ip", obs));
  EXPECT_TRUE(passes("len([IP]) == 8", obs));
  EXPECT_TRUE(passes("has([IP]) == true", obs));
  EXPECT_EQ(eval("[IP] == 10.0.0.1", obs).description, "[IP] (10.1.2.3) == 10.0.0.1");
}

TEST(condition_evaluate, ip_is_absent_when_not_connected) {
  observation down;
  const auto v = eval("[IP] == 10.0.0.1", down);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[IP] (no IP: not connected) == 10.0.0.1");
  EXPECT_TRUE(passes("[IP] != 10.0.0.1", down));
  EXPECT_TRUE(passes("has([IP]) == false", down));
  EXPECT_TRUE(passes("len([IP]) == 0", down));
  EXPECT_FALSE(passes("[IP] == pat(*)", down));
}

TEST(condition_evaluate, dns_rcode_compares_by_name) {
  observation obs;
  obs.connected = true;
  obs.dns_rcode = "NXDOMAIN";
  EXPECT_TRUE(passes("[DNS_RCODE] == NXDOMAIN", obs));
  EXPECT_TRUE(passes("[DNS_RCODE] != NOERROR", obs));
  EXPECT_TRUE(passes("[DNS_RCODE] == any(NOERROR, NXDOMAIN)", obs));
  EXPECT_EQ(eval("[DNS_RCODE] == NOERROR", obs).description, "[DNS_RCODE] (NXDOMAIN) == NOERROR");
  EXPECT_EQ(eval("[DNS_RCODE] == NOERROR", http(200)).description,
            "[DNS_RCODE] (none: not a DNS check) == NOERROR");
}

TEST(condition_evaluate, grpc_status_compares_by_name) {
  observation obs;
  obs.connected = true;
  obs.grpc_status = "NOT_SERVING";
  EXPECT_FALSE(passes("[GRPC_STATUS] == SERVING", obs));
  EXPECT_EQ(eval("[GRPC_STATUS] == SERVING", obs).description,
            "[GRPC_STATUS] (NOT_SERVING) == SERVING");
  obs.grpc_status = "SERVING";
  EXPECT_TRUE(passes("[GRPC_STATUS] == SERVING", obs));
  EXPECT_EQ(eval("[GRPC_STATUS] == SERVING", http(200)).description,
            "[GRPC_STATUS] (none: not a gRPC check) == SERVING");
}

// --- comparison rules ----------------------------------------------------------------------------

TEST(condition_evaluate, placeholders_on_both_sides_are_both_resolved) {
  const auto same = http(200, R"({"age": 1, "id": 1, "a": "x", "c": "x", "status": 200})");
  EXPECT_TRUE(passes("[BODY].age == [BODY].id", same));
  EXPECT_FALSE(passes("[BODY].a != [BODY].c", same));
  EXPECT_TRUE(passes("[STATUS] == [BODY].status", same));
  const auto v = eval("[BODY].age > [BODY].id", same);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY].age (1) > [BODY].id (1)");
  EXPECT_EQ(eval("[STATUS] == [BODY].missing", same).description,
            "[STATUS] (200) == [BODY].missing (missing)");
}

TEST(condition_evaluate, integers_in_go_syntax_compare_by_value) {
  const auto obs = http(200, R"({"hex": "0x1F", "oct": "0o17", "bin": "0b101", "zero": "010"})");
  EXPECT_TRUE(passes("[BODY].hex == 31", obs));
  EXPECT_TRUE(passes("[BODY].hex == 0x1f", obs));
  EXPECT_TRUE(passes("[BODY].hex > 0x1E", obs));
  EXPECT_TRUE(passes("[BODY].oct == 15", obs));
  EXPECT_TRUE(passes("[BODY].bin == 5", obs));
  // Leading zeros stay decimal; Go (and so Gatus) would read "010" as octal 8.
  EXPECT_TRUE(passes("[BODY].zero == 10", obs));
  EXPECT_TRUE(passes("[BODY] == 0x2A", http(200, "42")));
}

TEST(condition_evaluate, numbers_compare_by_value_but_text_by_its_bytes) {
  const auto obs =
      http(200, R"({"n": 7, "f": 7.0, "s": "7", "v": "1.10", "big": 9007199254740993})");
  // A JSON number (or a numeric placeholder) equals anything that reads as the same number.
  EXPECT_TRUE(passes("[BODY].n == 7.0", obs));
  EXPECT_TRUE(passes("[BODY].f == 7", obs));
  EXPECT_TRUE(passes("[BODY].n == [BODY].s", obs));
  EXPECT_TRUE(passes("[STATUS] == 200.0", obs));
  // Text is text: integers by value, as in Gatus, but "1.10" is not "1.1" (versions).
  EXPECT_TRUE(passes("[BODY].s == 7", obs));
  EXPECT_FALSE(passes("[BODY].s == 7.0", obs));
  EXPECT_FALSE(passes("[BODY].v == 1.1", obs));
  EXPECT_TRUE(passes("[BODY].v == 1.10", obs));
  EXPECT_FALSE(passes("[BODY] == 42", http(200, "42.0\n")));
  // Integers past 2^53 stay exact.
  EXPECT_TRUE(passes("[BODY].big == 9007199254740993", obs));
  EXPECT_FALSE(passes("[BODY].big == 9007199254740992", obs));
}

TEST(condition_evaluate, ordering_reads_text_as_a_number) {
  const auto obs = http(200, R"({"s": "7", "f": "123.4", "word": "many"})");
  EXPECT_TRUE(passes("[BODY].s >= 7", obs));
  EXPECT_TRUE(passes("[BODY].f > 123", obs));  // Gatus truncates to 123 and fails this
  EXPECT_FALSE(passes("[BODY].f < 123.4", obs));
}

// Gatus reads anything that is not a number as 0, so "[BODY].latency < 500" would pass on a
// body without "latency". fleetcheck fails an ordering it cannot make, and says why.
TEST(condition_evaluate, ordering_fails_when_a_side_is_not_a_number) {
  const auto obs = http(200, R"({"word": "many", "nothing": null})");
  EXPECT_FALSE(passes("[BODY].word > -1", obs));
  EXPECT_FALSE(passes("[BODY].word < 1", obs));
  const auto v = eval("[BODY].latency < 500", obs);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "[BODY].latency (missing) < 500");
  EXPECT_FALSE(passes("[BODY].nothing < 500", obs));
  EXPECT_FALSE(passes("len([BODY].items) < 5", obs));
}

// As in Gatus, != is exactly "not ==": a missing or different-typed value differs.
TEST(condition_evaluate, not_equal_passes_for_anything_that_is_not_equal) {
  const auto obs = http(200, R"({"name": "john", "status": "UP", "nothing": null})");
  EXPECT_TRUE(passes("[BODY].name != 1", obs));
  EXPECT_TRUE(passes("[BODY].health != DOWN", obs));
  EXPECT_TRUE(passes("[BODY].nothing != null", obs));
  EXPECT_TRUE(passes("[BODY].status != DOWN", http(200, "{}")));
  EXPECT_TRUE(passes("[BODY].status != DOWN", http(200, "<html>")));
  EXPECT_FALSE(passes("[BODY].status != UP", obs));
  EXPECT_TRUE(passes("[BODY].health != any(UP, DEGRADED)", obs));
  EXPECT_TRUE(passes("[BODY].health != pat(*)", obs));
}

TEST(condition_evaluate, any_and_pat_work_on_either_side) {
  const auto obs = http(429, "service is healthy");
  EXPECT_TRUE(passes("any(200, 429) == [STATUS]", obs));
  EXPECT_FALSE(passes("any(200, 429) != [STATUS]", obs));
  EXPECT_TRUE(passes("pat(*healthy*) == [BODY]", obs));
  const auto v = eval("any(200, 204) == [STATUS]", obs);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.description, "any(200, 204) == [STATUS] (429)");
}

TEST(condition_evaluate, any_values_compare_like_single_values) {
  const auto obs = http(200, R"({"id": 7, "hex": "0x7"})");
  EXPECT_TRUE(passes("[BODY].id == any(abc, 7)", obs));
  EXPECT_TRUE(passes("[BODY].id == any(7.0)", obs));
  EXPECT_TRUE(passes("[BODY].hex == any(6, 7)", obs));
}

TEST(condition_evaluate, evaluate_describes_passing_conditions_too) {
  const auto v = eval("[STATUS] == 200", http(200));
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.description, "[STATUS] (200) == 200");
}

}  // namespace
}  // namespace fleetcheck::conditions::testing
