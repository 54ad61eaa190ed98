#include "fleetcheck/alert/silences.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/report/text.hpp"
#include "fleetcheck/report/timestamps.hpp"

namespace fleetcheck::alert {

std::string_view to_string(silence_state s) {
  switch (s) {
    case silence_state::pending:
      return "pending";
    case silence_state::active:
      return "active";
    case silence_state::expired:
      return "expired";
  }
  return "expired";
}

silence_state state_of(const silence& s, wall_clock::time_point now) {
  if (now >= s.ends_at) return silence_state::expired;
  if (now < s.starts_at) return silence_state::pending;
  return silence_state::active;
}

silences::silences() : silences(limits{}) {}
silences::silences(limits l) : silences(l, std::random_device{}()) {}
silences::silences(limits l, std::uint64_t seed) : limits_(l), ids_(seed) {}

core::expected<silence> silences::add(silence s, wall_clock::time_point now) {
  if (s.matcher.pattern.empty()) return core::unexpected{"the matcher's pattern is empty"};
  std::vector<std::string> names{s.matcher.pattern};
  auto match = s.matcher.on == silence_matcher::field::target ? selector::make(names, {})
                                                              : selector::make({}, names);
  if (!match) return core::unexpected{match.error()};
  if (s.ends_at <= s.starts_at) return core::unexpected{"ends_at must be after starts_at"};
  if (s.ends_at <= now) return core::unexpected{"ends_at is in the past"};

  std::lock_guard lock(mutex_);
  forget_old(now);
  const auto live = std::count_if(entries_.begin(), entries_.end(), [&](const entry& e) {
    return state_of(e.value, now) != silence_state::expired;
  });
  if (static_cast<std::size_t>(live) >= limits_.max_silences) {
    return core::unexpected{fmt::format("too many silences ({} at most)", limits_.max_silences)};
  }
  // A random version-4 UUID, the form Alertmanager's silence ids take.
  const auto high = ids_();
  const auto low = ids_();
  s.id = fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                     high & 0xfff, 0x8000 | (low >> 48 & 0x3fff), low & 0xffffffffffffULL);
  entries_.push_back(entry{s, std::move(*match)});
  return s;
}

bool silences::expire(std::string_view id, wall_clock::time_point now) {
  std::lock_guard lock(mutex_);
  for (auto& e : entries_) {
    if (e.value.id != id || state_of(e.value, now) == silence_state::expired) continue;
    // A pending silence that is expired never started: keep its times ordered.
    if (e.value.starts_at > now) e.value.starts_at = now;
    e.value.ends_at = now;
    return true;
  }
  return false;
}

std::vector<silence> silences::list(wall_clock::time_point now) const {
  std::vector<silence> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& e : entries_) {
      if (now - e.value.ends_at <= limits_.keep_expired) out.push_back(e.value);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const silence& a, const silence& b) { return a.starts_at < b.starts_at; });
  return out;
}

std::optional<std::string> silences::silenced_by(std::string_view target, std::string_view group,
                                                 wall_clock::time_point now) const {
  std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    if (state_of(e.value, now) == silence_state::active && e.match.selects(target, group)) {
      return e.value.id;
    }
  }
  return std::nullopt;
}

void silences::forget_old(wall_clock::time_point now) {
  std::erase_if(entries_,
                [&](const entry& e) { return now - e.value.ends_at > limits_.keep_expired; });
}

// --- JSON -------------------------------------------------------------------------------------

namespace {

bool read_digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

/// The longest accepted text fields: enough for a sentence, not for a body dump.
constexpr std::size_t max_text = 1024;

core::expected<std::string> text_field(const nlohmann::json& body, const char* key, bool required) {
  const auto it = body.find(key);
  if (it == body.end()) {
    if (required) return core::unexpected{fmt::format("missing '{}'", key)};
    return std::string();
  }
  if (!it->is_string()) return core::unexpected{fmt::format("'{}' must be a string", key)};
  auto value = it->get<std::string>();
  if (value.size() > max_text) {
    return core::unexpected{fmt::format("'{}' is longer than {} bytes", key, max_text)};
  }
  return value;
}

nlohmann::ordered_json json_of(const silence& s, wall_clock::time_point now) {
  using report::valid_utf8;
  nlohmann::ordered_json j;
  j["id"] = s.id;
  j["matcher"] = {{s.matcher.on == silence_matcher::field::target ? "target" : "group",
                   valid_utf8(s.matcher.pattern)}};
  j["starts_at"] = report::iso8601_utc_ms(s.starts_at);
  j["ends_at"] = report::iso8601_utc_ms(s.ends_at);
  j["created_by"] = valid_utf8(s.created_by);
  j["comment"] = valid_utf8(s.comment);
  j["state"] = to_string(state_of(s, now));
  return j;
}

}  // namespace

core::expected<wall_clock::time_point> time_from_rfc3339(std::string_view text) {
  using namespace std::chrono;
  const auto bad = [&] {
    return core::unexpected{fmt::format("'{}' is not an RFC 3339 time like 2026-11-23T17:00:00Z",
                                        report::valid_utf8(text))};
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() < 20 || !read_digits(text, 0, 4, y) || text[4] != '-' ||
      !read_digits(text, 5, 2, mo) || text[7] != '-' || !read_digits(text, 8, 2, d) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !read_digits(text, 11, 2, h) ||
      text[13] != ':' || !read_digits(text, 14, 2, mi) || text[16] != ':' ||
      !read_digits(text, 17, 2, s)) {
    return bad();
  }
  const year_month_day date{year(y), month(static_cast<unsigned>(mo)),
                            day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return bad();
  std::size_t at = 19;
  nanoseconds fraction{0};
  if (at < text.size() && text[at] == '.') {
    ++at;
    long long scale = 100'000'000;
    const auto first = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      fraction += nanoseconds((text[at] - '0') * scale);
      scale /= 10;
      ++at;
    }
    if (at == first) return bad();
  }
  seconds offset{0};
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh = 0, om = 0;
    if (!read_digits(text, at + 1, 2, oh) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !read_digits(text, at + 4, 2, om) || oh > 23 || om > 59) {
      return bad();
    }
    offset = hours(oh) + minutes(om);
    if (text[at] == '-') offset = -offset;
    at += 6;
  } else {
    return bad();
  }
  if (at != text.size()) return bad();
  const auto local = sys_days(date) + hours(h) + minutes(mi) + seconds(std::min(s, 59));
  return time_point_cast<wall_clock::duration>(local - offset + fraction);
}

core::expected<silence> silence_from_json(std::string_view body, wall_clock::time_point now) {
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return core::unexpected{"the body is not a JSON object"};
  static constexpr std::string_view keys[] = {"matcher",  "starts_at",  "ends_at",
                                              "duration", "created_by", "comment"};
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(keys), std::end(keys), key) == std::end(keys)) {
      return core::unexpected{fmt::format("unknown key '{}'", report::valid_utf8(key))};
    }
  }
  silence s;
  const auto matcher = j.find("matcher");
  if (matcher == j.end()) return core::unexpected{"missing 'matcher'"};
  if (!matcher->is_object() || matcher->size() != 1 ||
      !(matcher->contains("target") || matcher->contains("group")) ||
      !matcher->begin()->is_string()) {
    return core::unexpected{
        R"('matcher' must be {"target": "name or glob"} or {"group": "name or glob"})"};
  }
  s.matcher.on =
      matcher->contains("target") ? silence_matcher::field::target : silence_matcher::field::group;
  s.matcher.pattern = matcher->begin()->get<std::string>();
  if (s.matcher.pattern.empty() || s.matcher.pattern.size() > max_text) {
    return core::unexpected{"the matcher's pattern must be 1 to 1024 bytes"};
  }

  s.starts_at = now;
  if (const auto it = j.find("starts_at"); it != j.end()) {
    if (!it->is_string()) return core::unexpected{"'starts_at' must be a string"};
    auto t = time_from_rfc3339(it->get<std::string>());
    if (!t) return core::unexpected{"'starts_at': " + t.error()};
    s.starts_at = *t;
  }
  const auto ends = j.find("ends_at");
  const auto length = j.find("duration");
  if ((ends == j.end()) == (length == j.end())) {
    return core::unexpected{"give either 'ends_at' or 'duration'"};
  }
  if (ends != j.end()) {
    if (!ends->is_string()) return core::unexpected{"'ends_at' must be a string"};
    auto t = time_from_rfc3339(ends->get<std::string>());
    if (!t) return core::unexpected{"'ends_at': " + t.error()};
    s.ends_at = *t;
  } else {
    if (!length->is_string()) return core::unexpected{R"('duration' must be a string like "2h")"};
    auto d = core::duration_from(length->get<std::string>());
    if (!d) return core::unexpected{"'duration': " + d.error()};
    if (d->count() <= 0) return core::unexpected{"'duration' must be positive"};
    s.ends_at = s.starts_at + std::chrono::duration_cast<wall_clock::duration>(*d);
  }
  auto created_by = text_field(j, "created_by", true);
  if (!created_by) return core::unexpected{created_by.error()};
  auto comment = text_field(j, "comment", false);
  if (!comment) return core::unexpected{comment.error()};
  s.created_by = std::move(*created_by);
  s.comment = std::move(*comment);
  return s;
}

std::string to_json(const silence& s, wall_clock::time_point now) {
  return json_of(s, now).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string to_json(std::span<const silence> all, wall_clock::time_point now) {
  auto array = nlohmann::ordered_json::array();
  for (const auto& s : all) array.push_back(json_of(s, now));
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace fleetcheck::alert
