#include <string>
#include <string_view>

#include <fmt/format.h>

#include "fleetcheck/report/report.hpp"

namespace fleetcheck::report {
namespace {

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void family(std::ostream& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

// Metric names follow blackbox_exporter's where they mean the same thing, so that existing
// dashboards and alerts work unchanged; one series per target, labelled by name.
void render_prometheus(std::ostream& out, const fleet_view& fleet) {
  const auto& results = fleet.run.results;
  std::vector<std::string> labels;
  labels.reserve(results.size());
  for (const auto& t : fleet.targets) {
    labels.push_back(
        fmt::format("target=\"{}\",url=\"{}\"", escape_label(t.name), escape_label(t.url)));
  }
  const auto each = [&](std::string_view name, auto&& value) {
    for (std::size_t i = 0; i < results.size(); ++i) {
      out << name << '{' << labels[i] << "} " << value(results[i]) << '\n';
    }
  };

  family(out, "probe_success", "gauge", "Whether the check was healthy (1) or not (0).");
  each("probe_success", [](const auto& r) { return r.outcome == core::outcome::healthy ? 1 : 0; });
  family(out, "probe_duration_seconds", "gauge", "How long the check took.");
  each("probe_duration_seconds",
       [](const auto& r) { return fmt::format("{:g}", r.duration_seconds); });
  family(out, "probe_http_status_code", "gauge", "HTTP status code of the response, 0 if none.");
  each("probe_http_status_code", [](const auto& r) { return r.http_status; });

  family(out, "probe_http_duration_seconds", "gauge", "Duration of each phase of the check.");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& p = results[i].phases;
    const std::pair<std::string_view, double> phases[] = {{"resolve", p.resolve},
                                                          {"connect", p.connect},
                                                          {"tls", p.tls},
                                                          {"processing", p.first_byte},
                                                          {"transfer", p.transfer}};
    for (const auto& [phase, seconds] : phases) {
      out << "probe_http_duration_seconds{" << labels[i] << ",phase=\"" << phase << "\"} "
          << fmt::format("{:g}", seconds) << '\n';
    }
  }
  family(out, "probe_ssl_earliest_cert_expiry", "gauge",
         "Earliest notAfter in the served certificate chain, Unix seconds (HTTPS targets).");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].cert_expires_at) {
      out << "probe_ssl_earliest_cert_expiry{" << labels[i] << "} " << *results[i].cert_expires_at
          << '\n';
    }
  }
  family(out, "probe_attempts", "gauge", "Attempts the check made (1 + retries used).");
  each("probe_attempts", [](const auto& r) { return r.attempts; });
  family(out, "fleetcheck_check_outcome", "gauge",
         "1 for the outcome the check ended with (healthy, unhealthy, error, timeout, deadline).");
  for (std::size_t i = 0; i < results.size(); ++i) {
    out << "fleetcheck_check_outcome{" << labels[i] << ",outcome=\""
        << core::to_string(results[i].outcome) << "\"} 1\n";
  }

  const auto t = count(fleet.run);
  family(out, "fleetcheck_run_targets", "gauge", "Targets checked in this run.");
  out << "fleetcheck_run_targets " << t.total << '\n';
  family(out, "fleetcheck_run_healthy_targets", "gauge", "Targets found healthy in this run.");
  out << "fleetcheck_run_healthy_targets " << t.healthy << '\n';
  family(out, "fleetcheck_run_duration_seconds", "gauge", "Wall time of the whole run.");
  out << "fleetcheck_run_duration_seconds " << fmt::format("{:g}", fleet.run.elapsed_seconds)
      << '\n';
  family(out, "fleetcheck_run_deadline_exceeded", "gauge",
         "1 if the global deadline cut the run short.");
  out << "fleetcheck_run_deadline_exceeded " << (fleet.run.deadline_exceeded ? 1 : 0) << '\n';
}

}  // namespace fleetcheck::report
