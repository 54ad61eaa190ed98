#include "fleetcheck/report/report.hpp"

namespace fleetcheck::report {

bool shows(const render_options& options, const core::probe_result& r) {
  return !options.only_failed || r.outcome != core::outcome::healthy;
}

void render(std::ostream& out, format f, const fleet_view& fleet, const render_options& options,
            const table_options& table) {
  switch (f) {
    case format::table:
      render_table(out, fleet, table, options);
      return;
    case format::json:
      render_json(out, fleet, options);
      return;
    case format::ndjson:
      render_ndjson(out, fleet, options);
      return;
    case format::prometheus:
      render_prometheus(out, fleet);
      return;
    case format::junit:
      render_junit(out, fleet, options);
      return;
  }
}

}  // namespace fleetcheck::report
