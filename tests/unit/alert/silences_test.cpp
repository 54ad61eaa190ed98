#include "fleetcheck/alert/silences.hpp"

#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fleetcheck::alert {
namespace {

using namespace std::chrono_literals;

wall_clock::time_point at(std::string_view rfc3339) {
  return *time_from_rfc3339(rfc3339);
}

silence make(silence_matcher::field on, std::string pattern, wall_clock::time_point from,
             wall_clock::time_point to) {
  silence s;
  s.matcher = {on, std::move(pattern)};
  s.starts_at = from;
  s.ends_at = to;
  s.created_by = "alice";
  return s;
}

TEST(silences, cover_targets_by_exact_name_glob_or_group_only_while_active) {
  silences all(silences::limits{}, 1);
  const auto t0 = at("2026-11-23T17:00:00Z");
  ASSERT_TRUE(all.add(make(silence_matcher::field::target, "api-*", t0, t0 + 1h), t0));
  ASSERT_TRUE(all.add(make(silence_matcher::field::group, "payments", t0 + 2h, t0 + 3h), t0));
  ASSERT_TRUE(all.add(make(silence_matcher::field::target, "db", t0, t0 + 1h), t0));

  EXPECT_TRUE(all.is_silenced("api-eu", "", t0));
  EXPECT_TRUE(all.is_silenced("db", "", t0 + 59min));
  EXPECT_FALSE(all.is_silenced("db2", "", t0));
  EXPECT_FALSE(all.is_silenced("api-eu", "", t0 + 1h));         // ends_at is exclusive
  EXPECT_FALSE(all.is_silenced("ledger", "payments", t0));      // pending
  EXPECT_TRUE(all.is_silenced("ledger", "payments", t0 + 2h));  // active
  EXPECT_FALSE(all.is_silenced("ledger", "", t0 + 2h));         // a group silence needs the group
}

TEST(silences, are_listed_expired_early_and_forgotten_after_a_day) {
  silences all(silences::limits{}, 7);
  const auto t0 = at("2026-11-23T17:00:00Z");
  const auto a = all.add(make(silence_matcher::field::target, "a", t0 + 1h, t0 + 2h), t0);
  const auto b = all.add(make(silence_matcher::field::target, "b", t0, t0 + 2h), t0);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->id, b->id);
  EXPECT_EQ(a->id.size(), 36u);  // a UUID

  auto listed = all.list(t0);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, b->id);  // by starts_at
  EXPECT_EQ(state_of(listed[0], t0), silence_state::active);
  EXPECT_EQ(state_of(listed[1], t0), silence_state::pending);

  EXPECT_TRUE(all.expire(b->id, t0 + 10min));
  EXPECT_FALSE(all.expire(b->id, t0 + 11min));  // already expired
  EXPECT_FALSE(all.expire("no-such-id", t0));
  EXPECT_FALSE(all.is_silenced("b", "", t0 + 10min));
  EXPECT_TRUE(all.expire(a->id, t0 + 20min));  // pending: it never starts
  listed = all.list(t0 + 20min);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(state_of(listed[1], t0 + 20min), silence_state::expired);
  EXPECT_LE(listed[1].starts_at, listed[1].ends_at);

  EXPECT_EQ(all.list(t0 + 25h).size(), 0u);
}

TEST(silences, refuse_what_cannot_be_a_silence) {
  silences all(silences::limits{2, 24h}, 3);
  const auto t0 = at("2026-11-23T17:00:00Z");
  EXPECT_EQ(all.add(make(silence_matcher::field::target, "x", t0, t0), t0).error(),
            "ends_at must be after starts_at");
  EXPECT_EQ(all.add(make(silence_matcher::field::target, "x", t0 - 2h, t0 - 1h), t0).error(),
            "ends_at is in the past");
  EXPECT_EQ(all.add(make(silence_matcher::field::target, "", t0, t0 + 1h), t0).error(),
            "the matcher's pattern is empty");
  EXPECT_TRUE(all.add(make(silence_matcher::field::target, "a", t0, t0 + 1h), t0));
  EXPECT_TRUE(all.add(make(silence_matcher::field::target, "b", t0, t0 + 1h), t0));
  EXPECT_EQ(all.add(make(silence_matcher::field::target, "c", t0, t0 + 1h), t0).error(),
            "too many silences (2 at most)");
}

TEST(silence_json, reads_a_request_and_writes_it_back) {
  const auto t0 = at("2026-11-23T17:00:00Z");
  const auto s = silence_from_json(
      R"({"matcher": {"group": "pay*"}, "duration": "2h", "created_by": "alice",
          "comment": "deploy"})",
      t0);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->matcher.on, silence_matcher::field::group);
  EXPECT_EQ(s->matcher.pattern, "pay*");
  EXPECT_EQ(s->starts_at, t0);
  EXPECT_EQ(s->ends_at, t0 + 2h);

  silences all(silences::limits{}, 11);
  const auto stored = all.add(*s, t0);
  ASSERT_TRUE(stored);
  EXPECT_EQ(to_json(*stored, t0),
            R"({"id":")" + stored->id +
                R"(","matcher":{"group":"pay*"},"starts_at":"2026-11-23T17:00:00.000Z",)"
                R"("ends_at":"2026-11-23T19:00:00.000Z","created_by":"alice","comment":"deploy",)"
                R"("state":"active"})");
  const auto listed = all.list(t0);
  const auto array = nlohmann::json::parse(to_json(listed, t0));
  ASSERT_EQ(array.size(), 1u);
  EXPECT_EQ(array[0]["matcher"]["group"], "pay*");

  const auto explicit_times = silence_from_json(
      R"({"matcher": {"target": "api"}, "starts_at": "2026-11-23T18:00:00+01:00",
          "ends_at": "2026-11-23T17:30:00.250Z", "created_by": "bob"})",
      t0);
  ASSERT_TRUE(explicit_times) << explicit_times.error();
  EXPECT_EQ(explicit_times->starts_at, t0);
  EXPECT_EQ(explicit_times->ends_at, t0 + 30min + 250ms);
}

TEST(silence_json, says_what_is_wrong_and_never_throws) {
  const auto t0 = at("2026-11-23T17:00:00Z");
  const auto error = [&](std::string_view body) {
    const auto s = silence_from_json(body, t0);
    return s ? std::string("(no error)") : s.error();
  };
  EXPECT_EQ(error("not json"), "the body is not a JSON object");
  EXPECT_EQ(error("[1]"), "the body is not a JSON object");
  EXPECT_EQ(error(R"({"matcher": {"target": "a"}, "duration": "1h", "created_by": "x", "id": 1})"),
            "unknown key 'id'");
  EXPECT_EQ(error(R"({"duration": "1h", "created_by": "x"})"), "missing 'matcher'");
  EXPECT_EQ(error(R"({"matcher": {"name": "a"}, "duration": "1h", "created_by": "x"})"),
            R"('matcher' must be {"target": "name or glob"} or {"group": "name or glob"})");
  EXPECT_EQ(error(R"({"matcher": {"target": "a"}, "created_by": "x"})"),
            "give either 'ends_at' or 'duration'");
  EXPECT_EQ(error(R"({"matcher": {"target": "a"}, "duration": "1h"})"), "missing 'created_by'");
  EXPECT_EQ(
      error(R"({"matcher": {"target": "a"}, "duration": "2", "created_by": "x"})").substr(0, 12),
      "'duration': ");
  EXPECT_EQ(error(R"({"matcher": {"target": "a"}, "ends_at": "tomorrow", "created_by": "x"})"),
            "'ends_at': 'tomorrow' is not an RFC 3339 time like 2026-11-23T17:00:00Z");
  EXPECT_EQ(error(R"({"matcher": {"target": "a"}, "ends_at": "2026-02-30T00:00:00Z",)"
                  R"( "created_by": "x"})"),
            "'ends_at': '2026-02-30T00:00:00Z' is not an RFC 3339 time like "
            "2026-11-23T17:00:00Z");
  EXPECT_EQ(error(std::string("{\"matcher\": {\"target\": \"\xff\"}}")),
            "the body is not a JSON object");  // not UTF-8: not JSON
}

TEST(silence_json, output_is_valid_json_for_any_bytes) {
  const auto t0 = at("2026-11-23T17:00:00Z");
  silence s = make(silence_matcher::field::target, "api\xff\"", t0, t0 + 1h);
  s.comment = "line\nbreak \x01 \xc3";
  const auto parsed = nlohmann::json::parse(to_json(s, t0));
  EXPECT_EQ(parsed["matcher"]["target"], "api\xef\xbf\xbd\"");
  EXPECT_EQ(parsed["state"], "active");
}

}  // namespace
}  // namespace fleetcheck::alert
