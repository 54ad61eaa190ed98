#pragma once
// Internal: the status page's views: HTML pages (readable without JavaScript), the JSON its
// script refreshes from, and SVG badges. Every text from the configuration or a server is escaped
// here (serve/page/html.hpp).

#include <string>
#include <string_view>

#include "serve/daemon.hpp"
#include "serve/page/page_model.hpp"

namespace fleetcheck::serve::page {

/// `/`: the summary, the groups, the filter form and the page's rows, with the script that
/// keeps them fresh.
std::string status_html(const page_view& view);
/// `/api/v1/status`: the same page as JSON.
std::string status_json(const page_view& view);
/// `/targets/{name}`: one target's state, response-time chart, transitions and certificate.
std::string target_html(daemon& d, const generation& g, std::size_t index);
/// A Gatus-like badge: "health | healthy" in the state's colour.
std::string badge_svg(std::string_view label, health::state s);

/// The page's CSS and script, embedded in the binary (no CDN: the page works offline).
extern const std::string_view page_css;
extern const std::string_view page_js;

}  // namespace fleetcheck::serve::page
