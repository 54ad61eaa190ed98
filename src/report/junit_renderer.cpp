#include <cmath>
#include <string>

#include <fmt/format.h>

#include "fleetcheck/report/report.hpp"
#include "fleetcheck/report/text.hpp"
#include "fleetcheck/report/timestamps.hpp"

namespace fleetcheck::report {
namespace {

/// Seconds as JUnit readers parse them: plain decimal, never an exponent (Jenkins' and Surefire's
/// time pattern has none), to the microsecond so that sub-millisecond checks do not read as 0.
std::string seconds(double s) {
  return fmt::format("{:.6f}", std::isfinite(s) && s > 0 ? s : 0.0);
}

/// What a CI page shows under a test: everything needed to act, one fact a line.
std::string details(const core::target& t, const core::probe_result& r) {
  const bool failed = r.outcome != core::outcome::healthy;
  std::string text = "url: " + xml_escape(t.url) + "\n";
  text += fmt::format("outcome: {}\n", core::to_string(r.outcome));
  if (failed) {
    text += fmt::format("failure: {}\n", core::to_string(r.failure));
    if (r.failed_phase != core::probe_phase::done) {
      text += fmt::format("failed phase: {}\n", core::phase_name(r.failed_phase));
    }
  }
  text +=
      r.http_status > 0 ? fmt::format("http status: {}\n", r.http_status) : "http status: none\n";
  text += fmt::format("attempts: {}\n", r.attempts);
  if (r.redirects > 0) text += fmt::format("redirects: {}\n", r.redirects);
  if (r.cert_expires_at) text += "cert expires at: " + iso8601_utc(*r.cert_expires_at) + "\n";
  if (!r.failed_conditions.empty()) {
    text += "failed conditions:\n";
    for (const auto& c : r.failed_conditions) text += "  " + xml_escape(c) + "\n";
  }
  return text;
}

void write_testcase(std::ostream& out, const core::target& t, const core::probe_result& r) {
  out << fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n",
                     xml_escape(t.name),
                     t.group.empty() ? std::string("fleetcheck") : xml_escape(t.group),
                     seconds(r.duration_seconds));
  if (r.outcome == core::outcome::healthy) {
    out << "      <system-out>" << details(t, r) << "</system-out>\n";
  } else {
    // JUnit's split: a failure is an assertion that did not hold (the service answered wrongly),
    // an error is a test that could not run to its assertion (no usable answer in time).
    const char* element = r.outcome == core::outcome::unhealthy ? "failure" : "error";
    const auto outcome = core::to_string(r.outcome);
    out << fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", element,
                       xml_escape(r.error.empty() ? outcome : r.error), outcome, details(t, r),
                       element);
  }
  out << "    </testcase>\n";
}

}  // namespace

// Counts cover every target even when only_failed leaves healthy testcases out, as the other
// formats' summaries do.
void render_junit(std::ostream& out, const fleet_view& fleet, const render_options& options) {
  const auto t = count(fleet.results);
  const auto errors = t.error + t.timeout + t.deadline;
  const auto time = seconds(fleet.summary.elapsed_seconds);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format(
      "<testsuites name=\"fleetcheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n",
      t.total, t.unhealthy, errors, time);
  out << fmt::format(
      "  <testsuite name=\"fleetcheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" "
      "time=\"{}\" timestamp=\"{}\">\n",
      t.total, t.unhealthy, errors, time, iso8601_utc_ms(fleet.summary.started_at));
  for (std::size_t i = 0; i < fleet.results.size(); ++i) {
    if (shows(options, fleet.results[i])) write_testcase(out, fleet.targets[i], fleet.results[i]);
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace fleetcheck::report
