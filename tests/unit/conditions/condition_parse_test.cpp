// The grammar: what parses, how it is spelled back, and the config errors for what does not.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "condition_test_support.hpp"

namespace fleetcheck::conditions::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// --- what parses --------------------------------------------------------------------------------

TEST(condition_parse, works_without_optional_whitespace) {
  const auto obs = http(200, R"({"count": 7, "items": [1, 2]})");
  EXPECT_TRUE(passes("[STATUS]==200", obs));
  EXPECT_TRUE(passes("[STATUS]<=200", obs));
  EXPECT_TRUE(passes("[BODY].count!=8", obs));
  EXPECT_TRUE(passes("len([BODY].items)>1", obs));
  EXPECT_TRUE(passes("  len ( [BODY].items )  >  1  ", obs));
  EXPECT_TRUE(passes("[STATUS]==any(200,201)", obs));
  EXPECT_TRUE(passes("[STATUS]==[BODY].status", http(200, R"({"status": 200})")));
  EXPECT_TRUE(passes("\t[STATUS] ==\t200\n", obs));
  EXPECT_TRUE(passes("200==[STATUS]", obs));
}

TEST(condition_parse, placeholder_names_ignore_case_like_gatus) {
  EXPECT_TRUE(passes("[status] == 200", http(200)));
  EXPECT_TRUE(passes("[Status] == 200", http(200)));
  // Only the name: the path after [BODY] keeps its case, as JSON keys do.
  EXPECT_TRUE(passes("[Body].Status == UP", http(200, R"({"Status": "UP"})")));
  EXPECT_FALSE(passes("[body].status == UP", http(200, R"({"Status": "UP"})")));
  EXPECT_TRUE(passes("len([body]) == 2", http(200, "ok")));
  // Descriptions use the canonical spelling.
  EXPECT_EQ(eval("[status] == 200", http(503)).description, "[STATUS] (503) == 200");
}

TEST(condition_parse, placeholders_may_stand_on_either_side) {
  const auto obs = http(200, R"({"age": 1, "id": 1, "status": 200})");
  EXPECT_TRUE(passes("[BODY].age == [BODY].id", obs));
  EXPECT_TRUE(passes("[STATUS] == [BODY].status", obs));
  EXPECT_TRUE(passes("[BODY].status == [STATUS]", obs));
  EXPECT_TRUE(passes("200 == [STATUS]", obs));
  EXPECT_TRUE(passes("300 > [STATUS]", obs));
  EXPECT_TRUE(passes("any(200, 204) == [STATUS]", obs));
  EXPECT_TRUE(passes("pat(2*) == [STATUS]", obs));
  EXPECT_TRUE(passes("len([BODY].age) == [BODY].id", obs));
}

TEST(condition_parse, left_values_may_hold_operator_characters) {
  const auto obs = http(200, "<b>a == b</b>");
  EXPECT_TRUE(passes("pat(*<b>a == b*) == [BODY]", obs));
  EXPECT_TRUE(passes("<b>a == b</b> == [BODY]", obs));
  EXPECT_TRUE(passes("pat(*(a*) == [BODY]", http(200, "x(a)")));
}

TEST(condition_parse, bracketed_values_on_the_right_are_values_not_placeholders) {
  const auto obs = http(200, R"({"empty": [], "flags": [true], "list": [1,2]})");
  EXPECT_TRUE(passes("[BODY].empty == []", obs));
  EXPECT_TRUE(passes("[BODY].flags == [true]", obs));
  EXPECT_TRUE(passes("[BODY].list == [1,2]", obs));
}

TEST(condition_parse, keys_may_hold_dashes_and_digits) {
  const auto obs = http(200, R"({"x-ray": {"0": "a", "v_2": 5}})");
  EXPECT_TRUE(passes("[BODY].x-ray.0 == a", obs));
  EXPECT_TRUE(passes("[BODY].x-ray.v_2 == 5", obs));
}

TEST(condition_parse, text_is_kept_as_given) {
  const auto c = condition::parse(" [STATUS]==200 ");
  EXPECT_EQ(c.text(), " [STATUS]==200 ");
}

TEST(condition_parse, description_uses_canonical_spacing) {
  EXPECT_EQ(eval("[STATUS]==200", http(500)).description, "[STATUS] (500) == 200");
  EXPECT_EQ(eval("len( [BODY] )>9", http(200)).description, "len([BODY]) (0) > 9");
  EXPECT_EQ(eval("200==[STATUS]", http(500)).description, "200 == [STATUS] (500)");
}

TEST(condition_parse, needs_body_when_either_side_reads_it) {
  EXPECT_FALSE(condition::parse("[STATUS] == 200").needs_body());
  EXPECT_FALSE(condition::parse("[RESPONSE_TIME] < 5").needs_body());
  EXPECT_FALSE(condition::parse("[CONNECTED] == true").needs_body());
  EXPECT_FALSE(condition::parse("[CERTIFICATE_EXPIRATION] > 1h").needs_body());
  EXPECT_FALSE(condition::parse("[IP] == pat(10.*)").needs_body());
  EXPECT_FALSE(condition::parse("len([IP]) > 0").needs_body());
  EXPECT_TRUE(condition::parse("[BODY] == ok").needs_body());
  EXPECT_TRUE(condition::parse("[BODY].a == ok").needs_body());
  EXPECT_TRUE(condition::parse("len([BODY]) > 0").needs_body());
  EXPECT_TRUE(condition::parse("has([BODY].a) == true").needs_body());
  EXPECT_TRUE(condition::parse("[STATUS] == [BODY].status").needs_body());
  EXPECT_TRUE(condition::parse("pat(o*) == [BODY]").needs_body());
}

TEST(condition_parse, accepts_numbers_in_go_syntax) {
  EXPECT_TRUE(passes("[STATUS] == 0xC8", http(200)));
  EXPECT_TRUE(passes("[STATUS] == 0o310", http(200)));
  EXPECT_TRUE(passes("[STATUS] == 0b11001000", http(200)));
  EXPECT_TRUE(passes("[STATUS] < 2e2", http(199)));
  EXPECT_TRUE(passes("[STATUS] > -1", http(0)));
  EXPECT_TRUE(passes("[STATUS] == +200", http(200)));
}

TEST(condition_parse, accepts_zero_as_a_duration_without_unit) {
  auto obs = http(200);
  obs.certificate_expiration = std::chrono::hours(1);
  EXPECT_TRUE(passes("[CERTIFICATE_EXPIRATION] > 0", obs));
}

TEST(condition_parse, accepts_patterns_on_numbers_booleans_and_text) {
  EXPECT_NO_THROW(condition::parse("[STATUS] == pat(2*)"));
  EXPECT_NO_THROW(condition::parse("[CONNECTED] == pat(t*)"));
  EXPECT_NO_THROW(condition::parse("len([BODY]) == pat(1*)"));
  EXPECT_NO_THROW(condition::parse("[IP] != pat(10.*)"));
  EXPECT_NO_THROW(condition::parse("[DNS_RCODE] == pat(NO*)"));
}

// --- config errors -------------------------------------------------------------------------------

TEST(condition_parse, rejects_text_for_a_number) {
  EXPECT_EQ(parse_error("[STATUS] == abc"),
            R"m(condition "[STATUS] == abc": [STATUS] is a number, cannot compare it with "abc")m");
  EXPECT_EQ(parse_error("[STATUS] > 2xx"),
            R"m(condition "[STATUS] > 2xx": [STATUS] is a number, cannot compare it with "2xx")m");
  EXPECT_THAT(
      parse_error("[RESPONSE_TIME] < fast"),
      HasSubstr(R"m([RESPONSE_TIME] is a number of milliseconds, cannot compare it with "fast")m"));
  EXPECT_THAT(parse_error("len([BODY]) > many"),
              HasSubstr(R"m(len([BODY]) is a number, cannot compare it with "many")m"));
  EXPECT_THAT(parse_error("[STATUS] == nan"), HasSubstr("is a number"));
  EXPECT_THAT(parse_error("[STATUS] == inf"), HasSubstr("is a number"));
  EXPECT_THAT(parse_error("[STATUS] == 0x"), HasSubstr("is a number"));
  EXPECT_THAT(parse_error("[STATUS] == 0xZ1"), HasSubstr("is a number"));
  EXPECT_THAT(parse_error("[STATUS] == --1"), HasSubstr("is a number"));
  EXPECT_THAT(parse_error("[STATUS] == 0x10000000000000000"), HasSubstr("is a number"));
  EXPECT_THAT(parse_error("[STATUS] == any(200, OK)"), HasSubstr(R"m(compare it with "OK")m"));
  EXPECT_THAT(parse_error("abc == [STATUS]"), HasSubstr(R"m(compare it with "abc")m"));
}

TEST(condition_parse, rejects_trailing_junk) {
  EXPECT_THAT(parse_error("[STATUS] == 200 OK"), HasSubstr(R"m(compare it with "200 OK")m"));
  EXPECT_THAT(parse_error("[CONNECTED] == true x"), HasSubstr(R"m(compare it with "true x")m"));
  EXPECT_EQ(parse_error("[BODY] == any(a, b) c"),
            R"m(condition "[BODY] == any(a, b) c": unexpected "c" after any(...))m");
  EXPECT_THAT(parse_error("[BODY] == pat(a*) c"), HasSubstr(R"m(unexpected "c" after pat(...))m"));
  EXPECT_EQ(parse_error("[STATUS] == [BODY].status OK"),
            R"m(condition "[STATUS] == [BODY].status OK": unexpected "OK" after [BODY].status)m");
  EXPECT_THAT(parse_error("200 == [STATUS] x"), HasSubstr(R"m(unexpected "x" after [STATUS])m"));
  EXPECT_THAT(
      parse_error("len([BODY]) x > 1"),
      HasSubstr(
          R"m(expected an operator (==, !=, <, <=, >, >=) after len([BODY]), found "x > 1")m"));
  EXPECT_THAT(parse_error("[STATUS] === 200"), HasSubstr("one operator only"));
  EXPECT_THAT(parse_error("[STATUS] <> 200"), HasSubstr("one operator only"));
}

TEST(condition_parse, rejects_ordering_or_odd_values_for_booleans) {
  EXPECT_EQ(
      parse_error("[CONNECTED] < 1"),
      R"m(condition "[CONNECTED] < 1": [CONNECTED] is true or false, compare it with == or !=, not <)m");
  EXPECT_EQ(
      parse_error("[CONNECTED] == maybe"),
      R"m(condition "[CONNECTED] == maybe": [CONNECTED] is true or false, cannot compare it with "maybe")m");
  EXPECT_THAT(parse_error("has([BODY].a) == 1"), HasSubstr("is true or false"));
  EXPECT_THAT(parse_error("[CONNECTED] == TRUE"), HasSubstr("is true or false"));
  EXPECT_THAT(parse_error("[BODY].ok > true"),
              HasSubstr("true and false can only be compared with == or !=, not >"));
  EXPECT_THAT(parse_error("1 > [CONNECTED]"), HasSubstr("is true or false"));
}

TEST(condition_parse, rejects_ordering_of_text_placeholders) {
  EXPECT_EQ(
      parse_error("[IP] < 10.0.0.0"),
      R"m(condition "[IP] < 10.0.0.0": [IP] is text, compare it with == or != (or pat()), not <)m");
  EXPECT_THAT(parse_error("[BODY].a > [DNS_RCODE]"), HasSubstr("[DNS_RCODE] is text"));
}

TEST(condition_parse, rejects_placeholders_of_types_that_cannot_be_compared) {
  EXPECT_EQ(
      parse_error("[STATUS] == [CONNECTED]"),
      R"m(condition "[STATUS] == [CONNECTED]": [STATUS] is a number and [CONNECTED] is true or false: they cannot be compared)m");
  EXPECT_THAT(parse_error("[CERTIFICATE_EXPIRATION] > [RESPONSE_TIME]"),
              HasSubstr("is a duration and [RESPONSE_TIME] is a number"));
  EXPECT_THAT(parse_error("[IP] == [STATUS]"), HasSubstr("cannot be compared"));
  EXPECT_NO_THROW(condition::parse("[BODY].a == [CONNECTED]"));  // [BODY] is typed at run time
  EXPECT_NO_THROW(condition::parse("[CERTIFICATE_EXPIRATION] > [BODY].min"));
}

TEST(condition_parse, rejects_conditions_without_a_placeholder) {
  EXPECT_EQ(
      parse_error("1 == 2"),
      R"m(condition "1 == 2": expected a placeholder such as [STATUS] or [BODY], len(...) or has(...) on one side, found "1 == 2")m");
  EXPECT_THAT(parse_error("raw == raw"), HasSubstr("expected a placeholder"));
  EXPECT_THAT(parse_error("STATUS == 200"), HasSubstr("expected a placeholder"));
  EXPECT_THAT(parse_error("foo([BODY]) == 1"), HasSubstr(R"m(found "foo([BODY]) == 1")m"));
  EXPECT_THAT(parse_error("any([BODY]) == 1"),
              HasSubstr("any() needs a placeholder such as [STATUS] or [BODY] on the other side"));
  EXPECT_THAT(parse_error("pat(*) == x"), HasSubstr("pat() needs a placeholder"));
  EXPECT_THAT(parse_error(" == [STATUS]"), HasSubstr("missing value before == [STATUS]"));
}

TEST(condition_parse, rejects_len_and_has_of_numbers_and_booleans) {
  EXPECT_EQ(
      parse_error("len([STATUS]) > 1"),
      R"m(condition "len([STATUS]) > 1": len() takes [BODY], a [BODY] path, [IP], [DNS_RCODE] or [GRPC_STATUS], not [STATUS])m");
  EXPECT_THAT(parse_error("has([CONNECTED]) == true"), HasSubstr("not [CONNECTED]"));
  EXPECT_THAT(parse_error("len(x) > 1"), HasSubstr(R"m(found "x) > 1")m"));
  EXPECT_THAT(parse_error("has() == false"), HasSubstr(R"m(found ") == false")m"));
  EXPECT_THAT(parse_error("len([BODY] > 1"),
              HasSubstr(R"m(expected ) to close len(), found "> 1")m"));
  EXPECT_THAT(parse_error("len [BODY] > 1"), HasSubstr("expected ( after len"));
  EXPECT_THAT(parse_error("len([IP].x) > 1"), HasSubstr("only [BODY] takes a path, not [IP]"));
}

TEST(condition_parse, rejects_durations_without_units) {
  EXPECT_EQ(parse_error("[CERTIFICATE_EXPIRATION] > 5"),
            "condition \"[CERTIFICATE_EXPIRATION] > 5\": [CERTIFICATE_EXPIRATION] is a duration, "
            "cannot compare it with \"5\": invalid duration '5': missing or unknown unit (use ns, "
            "us, ms, s, m, h or d)");
  EXPECT_THAT(parse_error("[CERTIFICATE_EXPIRATION] > 2419200000"), HasSubstr("is a duration"));
  EXPECT_THAT(parse_error("[CERTIFICATE_EXPIRATION] > soon"), HasSubstr("is a duration"));
  EXPECT_THAT(parse_error("[CERTIFICATE_EXPIRATION] > -1h"), HasSubstr("is a duration"));
}

TEST(condition_parse, rejects_unknown_names_for_dns_and_grpc) {
  EXPECT_NO_THROW(condition::parse("[DNS_RCODE] == any(NOERROR, NXDOMAIN)"));
  EXPECT_NO_THROW(condition::parse("[GRPC_STATUS] != NOT_SERVING"));
  EXPECT_THAT(parse_error("[DNS_RCODE] == NOERR"),
              HasSubstr(R"m([DNS_RCODE] is one of NOERROR, FORMERR, SERVFAIL)m"));
  EXPECT_THAT(
      parse_error("[GRPC_STATUS] == serving"),
      HasSubstr(
          R"m(is one of UNKNOWN, SERVING, NOT_SERVING, SERVICE_UNKNOWN; cannot compare it with "serving")m"));
}

TEST(condition_parse, rejects_malformed_paths) {
  EXPECT_EQ(parse_error("[BODY].a. == x"),
            R"m(condition "[BODY].a. == x": empty key after "[BODY].a.")m");
  EXPECT_EQ(
      parse_error("[BODY].a[x] == 1"),
      R"m(condition "[BODY].a[x] == 1": array index must be a whole number like [0], found [x] after "[BODY].a")m");
  EXPECT_THAT(parse_error("[BODY]. == x"), HasSubstr(R"m(empty key after "[BODY].")m"));
  EXPECT_THAT(parse_error("[BODY].a..b == x"), HasSubstr(R"m(empty key after "[BODY].a.")m"));
  EXPECT_THAT(parse_error("[BODY].a[] == 1"), HasSubstr("found [] after"));
  EXPECT_THAT(parse_error("[BODY].a[-1] == 1"), HasSubstr("found [-1] after"));
  EXPECT_THAT(parse_error("[BODY].a[*] == 1"), HasSubstr("found [*] after"));
  EXPECT_THAT(parse_error("[BODY].a[1 ] == 1"), HasSubstr("found [1 ] after"));
  EXPECT_THAT(parse_error("[BODY].a[1 == 2"), HasSubstr(R"m(unterminated [ after "[BODY].a")m"));
  EXPECT_THAT(parse_error("[BODY].a[99999999999999999999999] == 1"), HasSubstr("too large"));
  EXPECT_THAT(parse_error("[STATUS].code == 1"),
              HasSubstr("only [BODY] takes a path, not [STATUS]"));
  EXPECT_THAT(parse_error("[BODY].a[0]x == 1"), HasSubstr(R"m(found "x == 1")m"));
  EXPECT_THAT(parse_error("[STATUS] == [BODY].a[x]"), HasSubstr("found [x] after"));
}

TEST(condition_parse, rejects_unknown_placeholders) {
  EXPECT_EQ(
      parse_error("[FOO] == 1"),
      R"m(condition "[FOO] == 1": unknown placeholder "[FOO]" (expected [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [CERTIFICATE_EXPIRATION], [IP], [DNS_RCODE] or [GRPC_STATUS]))m");
  EXPECT_THAT(parse_error("[STAUTS] == 200"), HasSubstr(R"m(unknown placeholder "[STAUTS]")m"));
  EXPECT_THAT(parse_error("[BODY].a == [BOYD].a"), HasSubstr(R"m(unknown placeholder "[BOYD]")m"));
  EXPECT_THAT(parse_error("[STATUS == 200"),
              HasSubstr(R"m(unterminated placeholder "[STATUS == 200")m"));
  EXPECT_THAT(parse_error("[STATUS == 1] == 1"),
              HasSubstr(R"m(unknown placeholder "[STATUS == 1]")m"));
  EXPECT_THAT(parse_error("[STATUS"), HasSubstr(R"m(unterminated placeholder "[STATUS")m"));
  EXPECT_THAT(parse_error("[BODY] == [STATUS"),
              HasSubstr(R"m(unterminated placeholder "[STATUS")m"));
}

TEST(condition_parse, says_which_gatus_placeholders_are_not_supported) {
  EXPECT_THAT(parse_error("[DOMAIN_EXPIRATION] > 720h"),
              HasSubstr("[DOMAIN_EXPIRATION] is not supported: fleetcheck does no WHOIS lookups"));
  EXPECT_THAT(parse_error("[STATUS] == [CONTEXT].expected_status"),
              HasSubstr("[CONTEXT] is not supported: fleetcheck has no suites"));
}

TEST(condition_parse, rejects_patterns_on_durations) {
  EXPECT_EQ(
      parse_error("[CERTIFICATE_EXPIRATION] == pat(1*)"),
      R"m(condition "[CERTIFICATE_EXPIRATION] == pat(1*)": pat() matches text, but [CERTIFICATE_EXPIRATION] is a duration)m");
}

TEST(condition_parse, rejects_malformed_patterns) {
  EXPECT_THAT(parse_error("[BODY] == pat(*[ab*)"), HasSubstr("malformed character class"));
  EXPECT_THAT(parse_error("[BODY] == pat([])"), HasSubstr("malformed character class"));
  EXPECT_THAT(parse_error("[BODY] == pat([a-])"), HasSubstr("malformed character class"));
  EXPECT_THAT(parse_error("[BODY] == pat(a\\)"), HasSubstr("pattern ends with a lone \\"));
  EXPECT_NO_THROW(condition::parse("[BODY] == pat(\\[ok\\])"));
}

TEST(condition_parse, rejects_ordering_with_any_or_pat) {
  EXPECT_EQ(parse_error("[STATUS] < any(200, 300)"),
            R"m(condition "[STATUS] < any(200, 300)": any() works only with == and !=, not <)m");
  EXPECT_THAT(parse_error("[BODY] >= pat(a*)"),
              HasSubstr("pat() works only with == and !=, not >="));
  EXPECT_THAT(parse_error("any(1, 2) < [STATUS]"), HasSubstr("any() works only with == and !="));
}

TEST(condition_parse, rejects_ordering_of_text) {
  EXPECT_EQ(
      parse_error("[BODY].version > abc"),
      R"m(condition "[BODY].version > abc": "abc" cannot be ordered with >: it is not a number (use == or !=))m");
}

TEST(condition_parse, rejects_empty_or_incomplete_conditions) {
  EXPECT_EQ(parse_error(""), R"m(condition "": empty condition)m");
  EXPECT_EQ(parse_error(" \t\n"), R"m(condition " \t\n": empty condition)m");
  EXPECT_EQ(
      parse_error("[STATUS]"),
      R"m(condition "[STATUS]": missing operator (==, !=, <, <=, >, >=) and value after [STATUS])m");
  EXPECT_EQ(
      parse_error("[STATUS] 200"),
      R"m(condition "[STATUS] 200": expected an operator (==, !=, <, <=, >, >=) after [STATUS], found "200")m");
  EXPECT_THAT(parse_error("[STATUS] = 200"), HasSubstr("(use == for equality)"));
  EXPECT_THAT(parse_error("[STATUS] = = 201"), HasSubstr("(use == for equality)"));
  EXPECT_THAT(parse_error("[STATUS] ? 201"), HasSubstr("expected an operator"));
  EXPECT_EQ(parse_error("[STATUS] == "),
            R"m(condition "[STATUS] == ": missing value after [STATUS] ==)m");
}

TEST(condition_parse, rejects_malformed_lists_and_patterns) {
  EXPECT_THAT(parse_error("[STATUS] == any()"), HasSubstr("any() needs at least one value"));
  EXPECT_THAT(parse_error("[STATUS] == any(1,,2)"), HasSubstr("any() has an empty value"));
  EXPECT_THAT(parse_error("[STATUS] == any(1,2,)"), HasSubstr("any() has an empty value"));
  EXPECT_THAT(parse_error("[STATUS] == any(1, 2"), HasSubstr("missing ) to close any("));
  EXPECT_THAT(parse_error("[BODY] == pat(a*"), HasSubstr("missing ) to close pat("));
  EXPECT_THAT(parse_error("[BODY] == pat( )"), HasSubstr("pat() needs a pattern"));
}

TEST(condition_parse, error_messages_stay_on_one_line) {
  const auto message = parse_error("[STATUS] ==\n\"a\"\x01");
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_THAT(message, StartsWith(R"m(condition "[STATUS] ==\n\"a\"\x01": )m"));
}

TEST(condition_parse, error_messages_escape_bytes_that_are_not_utf8) {
  const auto message = parse_error("[FO\xff] == 1");
  EXPECT_THAT(message, HasSubstr(R"m(unknown placeholder "[FO\xff]")m"));
  EXPECT_THAT(parse_error("[STATUS] == \xc3"), HasSubstr(R"m(compare it with "\xc3")m"));
}

TEST(condition_parse, condition_error_is_a_runtime_error) {
  EXPECT_THROW(condition::parse("[FOO] == 1"), std::runtime_error);
}

}  // namespace
}  // namespace fleetcheck::conditions::testing
