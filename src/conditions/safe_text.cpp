#include "safe_text.hpp"

#include <limits>

#include <fmt/format.h>

namespace fleetcheck::conditions::detail {
namespace {

// Characters that are valid UTF-8 but would still break a log line or a terminal: C1 controls,
// the Unicode line and paragraph separators, and the bidi controls that can make a rendered line
// read differently from its bytes.
bool needs_unicode_escape(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0x200E || c == 0x200F ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::string render(std::string_view text, bool quoted, std::size_t max_bytes) {
  std::string out;
  out.reserve(text.size() < max_bytes ? text.size() : max_bytes);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = decode_utf8(text, i);
    if (i + c.length > max_bytes) {
      out += "...";
      break;
    }
    if (!c.valid) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
    } else if (c.value == '\n') {
      out += "\\n";
    } else if (c.value == '\r') {
      out += "\\r";
    } else if (c.value == '\t') {
      out += "\\t";
    } else if (quoted && (c.value == '"' || c.value == '\\')) {
      out += '\\';
      out += static_cast<char>(c.value);
    } else if (c.value < 0x20 || c.value == 0x7F) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(c.value));
    } else if (needs_unicode_escape(c.value)) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c.value));
    } else {
      out.append(text.substr(i, c.length));
    }
    i += c.length;
  }
  return out;
}

}  // namespace

utf8_char decode_utf8(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  const utf8_char invalid{0xFFFD, 1, false};
  if (lead < 0x80) return {lead, 1, true};
  std::size_t length = 0;
  char32_t value = 0;
  char32_t smallest = 0;  // anything below is an overlong encoding
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = static_cast<char32_t>(lead & 0x1F);
    smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = static_cast<char32_t>(lead & 0x0F);
    smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = static_cast<char32_t>(lead & 0x07);
    smallest = 0x10000;
  } else {
    return invalid;
  }
  if (s.size() - i < length) return invalid;
  for (std::size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(s[i + k]);
    if ((byte & 0xC0) != 0x80) return invalid;
    value = (value << 6) | static_cast<char32_t>(byte & 0x3F);
  }
  if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return invalid;
  }
  return {value, length, true};
}

std::string printable(std::string_view text) {
  return render(text, false, std::numeric_limits<std::size_t>::max());
}

std::string printable_prefix(std::string_view text, std::size_t max_bytes) {
  return render(text, false, max_bytes);
}

std::string quote(std::string_view text) {
  return "\"" + render(text, true, std::numeric_limits<std::size_t>::max()) + "\"";
}

}  // namespace fleetcheck::conditions::detail
