#pragma once
// Internal: pieces shared by the status page's HTML views.

#include <optional>
#include <span>
#include <string>

#include "serve/fleet_state.hpp"
#include "serve/page/page_model.hpp"

namespace fleetcheck::serve::page {

/// "99.95%" or "–" when the state was never known in the window.
std::string percent(std::optional<double> share);
/// An inline SVG polyline of `ms` (oldest first), `width` x `height`, "" when empty.
std::string sparkline_svg(std::span<const double> ms, int width, int height);
/// The summary counts as one line of coloured numbers.
void counts_line(std::string& out, const state_counts& c);
/// One row of the targets table.
void target_row(std::string& out, const row& r);
/// " <small class=held>silenced</small>" (or maintenance) after a state badge, "" when alerting.
std::string alerts_held_html(const alert_hold& hold);
/// The error of the last check, or "" when it passed.
std::string last_error(const target_status& s);

}  // namespace fleetcheck::serve::page
