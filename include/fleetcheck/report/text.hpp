#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fleetcheck::report {

/// `text` safe for one line of a terminal table: valid UTF-8 is kept, control characters become
/// \n, \r, \t or \xNN, and bytes that are not valid UTF-8 become \xNN.
std::string printable(std::string_view text);

/// `text` as valid UTF-8: each byte that is not part of a valid sequence becomes U+FFFD.
std::string valid_utf8(std::string_view text);

/// Appends `text` as a JSON string literal (quotes included): invalid UTF-8 becomes U+FFFD,
/// quotes, backslashes and control characters are escaped. Never throws.
void append_json_string(std::string& out, std::string_view text);

/// Display columns of valid UTF-8 `text`, counted as code points. Wide (East Asian) and combining
/// characters are miscounted by one: close enough for names and URLs, and no locale tables needed.
std::size_t display_width(std::string_view text);

/// Valid UTF-8 `text` cut to at most `columns` display columns, ending in "…" (U+2026) when cut.
std::string shorten(std::string_view text, std::size_t columns);

/// `text` as XML 1.0 character data, usable in attributes and element content alike: & < > " '
/// become entities; tab, newline and carriage return become character references (so attribute
/// normalisation and end-of-line handling keep them); invalid UTF-8 and U+FFFE/U+FFFF become
/// U+FFFD; the other C0 controls, which XML 1.0 forbids even as references, become a visible \xNN.
std::string xml_escape(std::string_view text);

}  // namespace fleetcheck::report
