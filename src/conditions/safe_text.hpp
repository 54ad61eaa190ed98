#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fleetcheck::conditions::detail {

/// One UTF-8 character starting at s[i] (i < s.size()). Malformed input (a stray continuation
/// byte, a truncated or overlong sequence, a surrogate, a value past U+10FFFF) decodes as the one
/// byte at i with valid == false, which is how Go's decoder resynchronises too.
struct utf8_char {
  char32_t value;
  std::size_t length;
  bool valid;
};
utf8_char decode_utf8(std::string_view s, std::size_t i);

/// The text as one line of valid UTF-8 that is safe to log and to render: \n, \r and \t become
/// those escapes, other control characters become \xNN, C1 controls, line separators and bidi
/// overrides become \uNNNN, and bytes that are not UTF-8 become \xNN.
std::string printable(std::string_view text);

/// printable() of at most max_bytes bytes of the text, never cutting a character in half, with
/// "..." when something was left out. Values quoted from bodies can be megabytes long.
std::string printable_prefix(std::string_view text, std::size_t max_bytes);

/// printable() in double quotes, with " and \ escaped as well: for error messages that quote
/// condition text.
std::string quote(std::string_view text);

}  // namespace fleetcheck::conditions::detail
