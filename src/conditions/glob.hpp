#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetcheck::conditions::detail {

/// A pat() pattern, in the syntax of Go's filepath.Match that Gatus uses:
///   *        any run of characters, including none
///   ?        exactly one character (one UTF-8 character, or one byte that is not UTF-8)
///   [a-z0-9] [^...] one character in (or not in) a class; \ escapes inside it
///   \c       the character c itself
/// Unlike Gatus, / is an ordinary character: Gatus deletes every / from both the pattern and the
/// value before matching (see docs/conditions.md).
class glob {
 public:
  /// The compiled pattern, or nullopt with problem set when the pattern is malformed (an
  /// unclosed or empty class, a trailing \), which Go reports as ErrBadPattern.
  static std::optional<glob> compile(std::string_view pattern, std::string& problem);

  /// Whole-text match. Backtracks only to the latest *, so the worst case is O(pattern * text)
  /// rather than exponential for patterns like *a*a*a*b.
  bool matches(std::string_view text) const;

 private:
  struct range {
    char32_t low;
    char32_t high;
  };
  struct token {
    enum class kind { byte, any_char, any_run, set };
    kind type = kind::byte;
    char byte = 0;  // kind::byte: matched byte for byte, as Go does for literal characters
    bool negated = false;
    std::vector<range> ranges;  // kind::set
  };

  bool matches_one(const token& t, std::string_view text, std::size_t& at) const;

  std::vector<token> tokens_;
};

}  // namespace fleetcheck::conditions::detail
