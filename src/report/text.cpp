#include "fleetcheck/report/text.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace fleetcheck::report {
namespace {

/// Length of the valid UTF-8 sequence at the start of `s` (RFC 3629: no overlongs, no
/// surrogates, nothing past U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

/// Rewrites `text` one piece at a time: `bad(byte)` for each byte that is not part of valid UTF-8,
/// `good(sequence)` for each valid sequence (one code point); both append to the result.
template <class Bad, class Good>
std::string rewrite(std::string_view text, Bad bad, Good good) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto n = utf8_sequence(text);
    if (n == 0) {
      bad(out, static_cast<unsigned char>(text[0]));
      text.remove_prefix(1);
    } else {
      good(out, text.substr(0, n));
      text.remove_prefix(n);
    }
  }
  return out;
}

void hex_escape(std::string& out, unsigned char c) {
  out += fmt::format("\\x{:02x}", c);
}

void replacement_character(std::string& out, unsigned char) {
  out += "\xEF\xBF\xBD";  // U+FFFD
}

}  // namespace

std::string printable(std::string_view text) {
  return rewrite(text, hex_escape, [](std::string& out, std::string_view sequence) {
    const auto c = static_cast<unsigned char>(sequence[0]);
    if (sequence.size() > 1 || (c >= 0x20 && c != 0x7f)) {
      out.append(sequence);
    } else {
      out += c == '\n'   ? "\\n"
             : c == '\r' ? "\\r"
             : c == '\t' ? "\\t"
                         : fmt::format("\\x{:02x}", c);
    }
  });
}

std::string valid_utf8(std::string_view text) {
  return rewrite(text, replacement_character,
                 [](std::string& out, std::string_view sequence) { out.append(sequence); });
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  // Names, URLs and messages are nearly always printable ASCII: copied as they are (rendering a
  // code point at a time was most of the report's cost at 10,000 targets).
  if (std::all_of(text.begin(), text.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
      })) {
    out += text;
    out += '"';
    return;
  }
  out += rewrite(text, replacement_character, [](std::string& into, std::string_view sequence) {
    const auto c = static_cast<unsigned char>(sequence[0]);
    if (sequence.size() > 1) {
      into.append(sequence);
    } else if (c == '"') {
      into += "\\\"";
    } else if (c == '\\') {
      into += "\\\\";
    } else if (c == '\n') {
      into += "\\n";
    } else if (c == '\r') {
      into += "\\r";
    } else if (c == '\t') {
      into += "\\t";
    } else if (c < 0x20) {
      into += fmt::format("\\u{:04x}", c);
    } else {
      into += static_cast<char>(c);
    }
  });
  out += '"';
}

std::size_t display_width(std::string_view text) {
  std::size_t columns = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++columns;  // not a continuation byte
  }
  return columns;
}

std::string shorten(std::string_view text, std::size_t columns) {
  if (display_width(text) <= columns) return std::string(text);
  if (columns == 0) return {};
  // Keep columns - 1 code points, then the ellipsis: cut only between code points.
  std::size_t kept = 0, end = 0;
  while (end < text.size()) {
    const auto n = utf8_sequence(text.substr(end));
    if (kept == columns - 1) break;
    end += n == 0 ? 1 : n;
    ++kept;
  }
  return std::string(text.substr(0, end)) + "\xE2\x80\xA6";
}

std::string xml_escape(std::string_view text) {
  return rewrite(text, replacement_character, [](std::string& out, std::string_view sequence) {
    if (sequence == "\xEF\xBF\xBE" || sequence == "\xEF\xBF\xBF") {
      out += "\xEF\xBF\xBD";  // U+FFFE and U+FFFF are valid UTF-8 but not XML characters
      return;
    }
    if (sequence.size() > 1) {
      out.append(sequence);
      return;
    }
    const auto c = static_cast<unsigned char>(sequence[0]);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        // XML 1.0's Char excludes the other C0 controls, even as &#N; references.
        if (c < 0x20) {
          hex_escape(out, c);
        } else {
          out += static_cast<char>(c);
        }
    }
  });
}

}  // namespace fleetcheck::report
