#pragma once
// Internal: escaping for the status page. Everything a config or a server supplies (target
// names, groups, URLs, error text) goes through these before it reaches HTML, SVG or a link.

#include <string>
#include <string_view>

namespace fleetcheck::serve::page {

/// `text` with & < > " ' replaced by entities, and control characters (which XML forbids in SVG)
/// by U+FFFD: safe in element content and in quoted attribute values.
std::string html_escape(std::string_view text);

/// `text` percent-encoded except RFC 3986 unreserved characters: safe as one path segment or one
/// query value.
std::string url_encode(std::string_view text);

}  // namespace fleetcheck::serve::page
