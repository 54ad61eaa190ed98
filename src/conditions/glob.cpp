#include "glob.hpp"

#include <utility>

#include <fmt/format.h>

#include "safe_text.hpp"

namespace fleetcheck::conditions::detail {
namespace {

// One class member character (Go's getEsc): \ escapes the next character; an unescaped - or ]
// here, a character that is not UTF-8, or the end of the pattern make the pattern malformed.
std::optional<char32_t> class_char(std::string_view pattern, std::size_t& at) {
  if (at >= pattern.size() || pattern[at] == '-' || pattern[at] == ']') return std::nullopt;
  if (pattern[at] == '\\') {
    ++at;
    if (at >= pattern.size()) return std::nullopt;
  }
  const auto c = decode_utf8(pattern, at);
  if (!c.valid) return std::nullopt;
  at += c.length;
  // Go requires the class to be closed after its last member, so a member may not end the pattern.
  if (at >= pattern.size()) return std::nullopt;
  return c.value;
}

}  // namespace

std::optional<glob> glob::compile(std::string_view pattern, std::string& problem) {
  glob out;
  std::size_t at = 0;
  while (at < pattern.size()) {
    token t;
    const char c = pattern[at];
    if (c == '*') {
      ++at;
      // "**" means the same as "*"; one token keeps matching linear in the number of stars.
      if (!out.tokens_.empty() && out.tokens_.back().type == token::kind::any_run) continue;
      t.type = token::kind::any_run;
    } else if (c == '?') {
      ++at;
      t.type = token::kind::any_char;
    } else if (c == '\\') {
      if (++at >= pattern.size()) {
        problem = "pattern ends with a lone \\ (write \\\\ for a backslash)";
        return std::nullopt;
      }
      t.byte = pattern[at++];
    } else if (c == '[') {
      const auto open = at++;
      t.type = token::kind::set;
      if (at < pattern.size() && pattern[at] == '^') {
        t.negated = true;
        ++at;
      }
      while (true) {
        if (at < pattern.size() && pattern[at] == ']' && !t.ranges.empty()) {
          ++at;
          break;
        }
        const auto low = class_char(pattern, at);
        auto high = low;
        if (low && pattern[at] == '-') high = class_char(pattern, ++at);
        if (!low || !high) {
          problem = fmt::format(
              "malformed character class at offset {} (classes look like [abc], [a-z] or [^0-9]; "
              "write \\[ for a literal [)",
              open);
          return std::nullopt;
        }
        t.ranges.push_back({*low, *high});
      }
    } else {
      t.byte = c;
      ++at;
    }
    out.tokens_.push_back(std::move(t));
  }
  return out;
}

bool glob::matches_one(const token& t, std::string_view text, std::size_t& at) const {
  switch (t.type) {
    case token::kind::byte:
      if (text[at] != t.byte) return false;
      ++at;
      return true;
    case token::kind::any_char:
      at += decode_utf8(text, at).length;
      return true;
    case token::kind::set: {
      const auto c = decode_utf8(text, at);
      bool in_class = false;
      for (const auto& r : t.ranges) in_class = in_class || (r.low <= c.value && c.value <= r.high);
      if (in_class == t.negated) return false;
      at += c.length;
      return true;
    }
    case token::kind::any_run:
      break;
  }
  return false;
}

bool glob::matches(std::string_view text) const {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = tokens_.size();  // none yet
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < tokens_.size() && tokens_[p].type == token::kind::any_run) {
      star = p++;
      resume = t;
      continue;
    }
    std::size_t next = t;
    if (p < tokens_.size() && matches_one(tokens_[p], text, next)) {
      ++p;
      t = next;
    } else if (star != tokens_.size()) {
      // Let the latest * swallow one more byte and retry what follows it; byte steps are what
      // Go does too, and a ? or class that lands mid-character sees one invalid byte.
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < tokens_.size() && tokens_[p].type == token::kind::any_run) ++p;
  return p == tokens_.size();
}

}  // namespace fleetcheck::conditions::detail
