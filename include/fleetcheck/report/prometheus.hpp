#pragma once

#include <span>
#include <string>
#include <string_view>

#include "fleetcheck/core/probe_result.hpp"
#include "fleetcheck/core/target.hpp"

namespace fleetcheck::report {

/// Prometheus text exposition, written one metric family at a time, so that `check
/// --format prometheus`, a daemon's `/metrics` and a blackbox-style `/probe` compose the same
/// families. Label values are escaped and made valid UTF-8 here, whatever bytes they hold.
/// Appends to a string rather than a stream: a 50,000-target scrape is ~500,000 lines, and
/// per-line stream insertion and temporary label strings were most of its cost.
class prometheus_writer {
 public:
  explicit prometheus_writer(std::string& out) : out_(out) {}

  /// Starts a family: its # HELP and # TYPE lines.
  void family(std::string_view name, std::string_view type, std::string_view help);
  /// One sample: `labels` as built by label() and joined with commas ("" for none).
  void sample(std::string_view name, std::string_view labels, double value);
  /// One sample with one more label after `labels` (`extra` as built by label()), without
  /// joining them into a new string first.
  void sample(std::string_view name, std::string_view labels, std::string_view extra, double value);

  /// `name="value"` with the value escaped as the text format requires.
  static std::string label(std::string_view name, std::string_view value);

 private:
  void value(double v);
  std::string& out_;
};

/// The labels that identify a target in every series: target, url, and group when it has one.
std::string target_labels(const core::target& t);

/// The per-check families, blackbox_exporter's names where they mean the same thing
/// (probe_success, probe_duration_seconds, probe_http_status_code, probe_http_duration_seconds,
/// probe_ssl_earliest_cert_expiry; for gRPC checks probe_grpc_healthcheck_response,
/// probe_grpc_status_code, probe_grpc_ssl), plus probe_attempts and fleetcheck_check_outcome. One
/// series per target: `labels[i]` for `results[i]`.
/// `labels[i]` and `results[i]` may be the daemon's own: only pointers are passed, never copies.
void write_probe_families(prometheus_writer& out, std::span<const std::string* const> labels,
                          std::span<const core::probe_result* const> results);

}  // namespace fleetcheck::report
