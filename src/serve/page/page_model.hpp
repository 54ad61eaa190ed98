#pragma once
// Internal: what one page of the status page shows, computed once for both its HTML (first
// render, no JavaScript) and its JSON (/api/v1/status, the script's auto-refresh). Only the rows
// of the page asked for are built, so that 50,000 targets never reach the browser at once.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "serve/daemon.hpp"
#include "serve/fleet_state.hpp"

namespace fleetcheck::serve::page {

/// The filter and page, from the query string (q, group, state, page).
struct page_query {
  std::string q;      ///< part of the name, any case
  std::string group;  ///< exact group
  std::string state;  ///< "", "healthy", "degraded", "unhealthy", "unknown"
  std::size_t page = 0;
  std::size_t per_page = 50;
};

struct row {
  const core::target* target = nullptr;
  target_status status;
  std::optional<double> uptime_24h, uptime_7d;  ///< from the history's transitions
  std::vector<double> latency_ms;               ///< recent checks, oldest first (sparkline)
  alert_hold alerts;                            ///< silenced or under maintenance now
};

struct group_summary {
  std::string name;
  state_counts counts;
  health::state state = health::state::unknown;  ///< its worst target's
};

struct page_view {
  std::shared_ptr<const generation> config;  ///< keeps the rows' targets alive
  state_counts counts;
  /// The groups, failing first then by name: at most max_groups of them (a config with a group
  /// per target must not send 50,000 of them), plus the filtered one.
  std::vector<group_summary> groups;
  std::size_t groups_total = 0;
  std::size_t matching = 0, pages = 1;
  page_query query;
  std::vector<row> rows;  ///< unhealthy, degraded, unknown, then healthy; config order within
};

constexpr std::size_t max_groups = 200;

/// The query's page of the fleet: filters all targets, orders failing first, then reads the
/// history (uptime, latency) of the page's rows only. Throws core::config_error on a bad state.
page_view build_page(daemon& d, page_query query);

/// The worst of a set of counts: unhealthy, degraded, healthy, or unknown when none is known.
health::state worst(const state_counts& c);

}  // namespace fleetcheck::serve::page
