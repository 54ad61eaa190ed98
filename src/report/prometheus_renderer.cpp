#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fleetcheck/report/latency.hpp"
#include "fleetcheck/report/prometheus.hpp"
#include "fleetcheck/report/report.hpp"
#include "fleetcheck/report/text.hpp"

namespace fleetcheck::report {

void prometheus_writer::family(std::string_view name, std::string_view type,
                               std::string_view help) {
  fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void prometheus_writer::sample(std::string_view name, std::string_view labels, double v) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    out_ += labels;
    out_ += '}';
  }
  value(v);
}

void prometheus_writer::sample(std::string_view name, std::string_view labels,
                               std::string_view extra, double v) {
  out_ += name;
  out_ += '{';
  out_ += labels;
  if (!labels.empty() && !extra.empty()) out_ += ',';
  out_ += extra;
  out_ += '}';
  value(v);
}

void prometheus_writer::value(double v) {
  // Integral values (status codes, Unix times) exactly; others in the short form.
  char text[32];
  const auto end = v == static_cast<double>(static_cast<long long>(v)) && v < 1e15 && v > -1e15
                       ? fmt::format_to(text, " {}\n", static_cast<long long>(v))
                       : fmt::format_to(text, " {:g}\n", v);
  out_.append(text, end);
}

std::string prometheus_writer::label(std::string_view name, std::string_view value) {
  std::string out = fmt::format("{}=\"", name);
  for (const char c : valid_utf8(value)) {
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
  out += '"';
  return out;
}

std::string target_labels(const core::target& t) {
  auto labels =
      prometheus_writer::label("target", t.name) + "," + prometheus_writer::label("url", t.url);
  if (!t.group.empty()) labels += "," + prometheus_writer::label("group", t.group);
  return labels;
}

namespace {

/// blackbox_exporter's gRPC families, for the results of gRPC checks only.
void write_grpc_families(prometheus_writer& out, std::span<const std::string* const> labels,
                         std::span<const core::probe_result* const> results) {
  // grpc.health.v1.HealthCheckResponse.ServingStatus, in enum order.
  static constexpr std::string_view serving_statuses[] = {"UNKNOWN", "SERVING", "NOT_SERVING",
                                                          "SERVICE_UNKNOWN"};
  bool any = false;
  for (const auto* r : results) any = any || r->grpc.has_value();
  if (!any) return;
  out.family("probe_grpc_healthcheck_response", "gauge",
             "1 for the serving status the health check answered, 0 for the others.");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]->grpc) continue;
    for (const auto status : serving_statuses) {
      out.sample("probe_grpc_healthcheck_response", *labels[i],
                 prometheus_writer::label("serving_status", status),
                 results[i]->grpc->serving_status == status ? 1 : 0);
    }
  }
  out.family("probe_grpc_status_code", "gauge",
             "grpc-status of the health check call (0 = OK), -1 if none was received.");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i]->grpc) {
      out.sample("probe_grpc_status_code", *labels[i], results[i]->grpc->status_code.value_or(-1));
    }
  }
  out.family("probe_grpc_ssl", "gauge", "Whether the gRPC connection is TLS (grpcs://).");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i]->grpc) out.sample("probe_grpc_ssl", *labels[i], results[i]->grpc->tls ? 1 : 0);
  }
}

/// blackbox_exporter's DNS prober families (prober/dns.go), for dns:// checks only and only when
/// the run has any: probe_dns_lookup_time_seconds is the time to resolve the server's own name,
/// probe_dns_query_succeeded whether any answer came back (whatever its rcode).
void write_dns_families(prometheus_writer& out, std::span<const std::string* const> labels,
                        std::span<const core::probe_result* const> results) {
  if (std::none_of(results.begin(), results.end(),
                   [](const auto* r) { return r->dns.has_value(); }))
    return;
  const auto each = [&](std::string_view name, std::string_view type, std::string_view help,
                        auto&& value) {
    out.family(name, type, help);
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (results[i]->dns) out.sample(name, *labels[i], static_cast<double>(value(*results[i])));
    }
  };
  each("probe_dns_lookup_time_seconds", "gauge", "Time to resolve the DNS server's name.",
       [](const auto& r) { return r.phases.resolve; });
  out.family("probe_dns_duration_seconds", "gauge", "Duration of DNS request by phase.");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]->dns) continue;
    const auto& p = results[i]->phases;
    const std::pair<std::string_view, double> phases[] = {{R"(phase="resolve")", p.resolve},
                                                          {R"(phase="connect")", p.connect},
                                                          {R"(phase="request")", p.first_byte}};
    for (const auto& [phase, seconds] : phases) {
      out.sample("probe_dns_duration_seconds", *labels[i], phase, seconds);
    }
  }
  each("probe_dns_query_succeeded", "gauge", "Whether the DNS server answered (1) or not (0).",
       [](const auto& r) { return r.dns->rcode.empty() ? 0 : 1; });
  each("probe_dns_answer_rrs", "gauge", "Records in the answer section.",
       [](const auto& r) { return r.dns->answer_rrs; });
  each("probe_dns_authority_rrs", "gauge", "Records in the authority section.",
       [](const auto& r) { return r.dns->authority_rrs; });
  each("probe_dns_additional_rrs", "gauge", "Records in the additional section.",
       [](const auto& r) { return r.dns->additional_rrs; });
}

/// `outcome="..."`, built once: it is on one series per target.
std::string_view outcome_label(core::outcome o) {
  static const auto labels = [] {
    std::array<std::string, 5> all;
    for (const auto each : {core::outcome::healthy, core::outcome::unhealthy, core::outcome::error,
                            core::outcome::timeout, core::outcome::deadline}) {
      all.at(static_cast<std::size_t>(each)) =
          prometheus_writer::label("outcome", core::to_string(each));
    }
    return all;
  }();
  return labels.at(static_cast<std::size_t>(o));
}

}  // namespace

void write_probe_families(prometheus_writer& out, std::span<const std::string* const> labels,
                          std::span<const core::probe_result* const> results) {
  const auto each = [&](std::string_view name, auto&& value) {
    for (std::size_t i = 0; i < results.size(); ++i) {
      out.sample(name, *labels[i], static_cast<double>(value(*results[i])));
    }
  };
  out.family("probe_success", "gauge", "Whether the check was healthy (1) or not (0).");
  each("probe_success", [](const auto& r) { return r.outcome == core::outcome::healthy ? 1 : 0; });
  out.family("probe_duration_seconds", "gauge", "How long the check took.");
  each("probe_duration_seconds", [](const auto& r) { return r.duration_seconds; });
  out.family("probe_http_status_code", "gauge", "HTTP status code of the response, 0 if none.");
  each("probe_http_status_code", [](const auto& r) { return r.http_status; });

  out.family("probe_http_duration_seconds", "gauge", "Duration of each phase of the check.");
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& p = results[i]->phases;
    const std::pair<std::string_view, double> phases[] = {{R"(phase="resolve")", p.resolve},
                                                          {R"(phase="connect")", p.connect},
                                                          {R"(phase="tls")", p.tls},
                                                          {R"(phase="processing")", p.first_byte},
                                                          {R"(phase="transfer")", p.transfer}};
    for (const auto& [phase, seconds] : phases) {
      out.sample("probe_http_duration_seconds", *labels[i], phase, seconds);
    }
  }
  out.family("probe_ssl_earliest_cert_expiry", "gauge",
             "Earliest notAfter in the served certificate chain, Unix seconds (TLS targets).");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i]->cert_expires_at) {
      out.sample("probe_ssl_earliest_cert_expiry", *labels[i],
                 static_cast<double>(*results[i]->cert_expires_at));
    }
  }
  out.family("probe_tls_version_info", "gauge",
             "The negotiated TLS version, as the version label (TLS targets that completed a "
             "handshake).");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]->tls_version.empty()) {
      out.sample("probe_tls_version_info", *labels[i],
                 prometheus_writer::label("version", results[i]->tls_version), 1);
    }
  }
  // As blackbox_exporter's ICMP prober: resolve, setup (the socket) and the round trip.
  out.family("probe_icmp_duration_seconds", "gauge", "Duration of each phase of an ICMP check.");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i]->icmp) continue;
    const auto& p = results[i]->phases;
    const std::pair<std::string_view, double> phases[] = {{R"(phase="resolve")", p.resolve},
                                                          {R"(phase="setup")", p.connect},
                                                          {R"(phase="rtt")", p.first_byte}};
    for (const auto& [phase, seconds] : phases) {
      out.sample("probe_icmp_duration_seconds", *labels[i], phase, seconds);
    }
  }
  out.family("probe_icmp_reply_hop_limit", "gauge",
             "The echo reply's hop limit (TTL for IPv4), ICMP checks that got a reply.");
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i]->icmp && results[i]->icmp->hop_limit) {
      out.sample("probe_icmp_reply_hop_limit", *labels[i],
                 static_cast<double>(*results[i]->icmp->hop_limit));
    }
  }
  write_dns_families(out, labels, results);
  out.family("probe_attempts", "gauge", "Attempts the check made (1 + retries used).");
  each("probe_attempts", [](const auto& r) { return r.attempts; });
  out.family("fleetcheck_check_outcome", "gauge",
             "1 for the outcome the check ended with (healthy, unhealthy, error, timeout, "
             "deadline).");
  for (std::size_t i = 0; i < results.size(); ++i) {
    out.sample("fleetcheck_check_outcome", *labels[i], outcome_label(results[i]->outcome), 1);
  }
  write_grpc_families(out, labels, results);
}

void render_prometheus(std::ostream& os, const fleet_view& fleet) {
  std::string text;
  prometheus_writer out(text);
  std::vector<std::string> labels;
  std::vector<const std::string*> label_of;
  std::vector<const core::probe_result*> results;
  labels.reserve(fleet.targets.size());
  label_of.reserve(fleet.targets.size());
  results.reserve(fleet.results.size());
  for (const auto& t : fleet.targets) labels.push_back(target_labels(t));
  for (const auto& l : labels) label_of.push_back(&l);
  for (const auto& r : fleet.results) results.push_back(&r);
  write_probe_families(out, label_of, results);

  const auto t = count(fleet.results);
  out.family("fleetcheck_run_targets", "gauge", "Targets checked in this run.");
  out.sample("fleetcheck_run_targets", "", static_cast<double>(t.total));
  out.family("fleetcheck_run_healthy_targets", "gauge", "Targets found healthy in this run.");
  out.sample("fleetcheck_run_healthy_targets", "", static_cast<double>(t.healthy));
  out.family("fleetcheck_run_duration_seconds", "gauge", "Wall time of the whole run.");
  out.sample("fleetcheck_run_duration_seconds", "", fleet.summary.elapsed_seconds);
  out.family("fleetcheck_run_deadline_exceeded", "gauge",
             "1 if the global deadline cut the run short.");
  out.sample("fleetcheck_run_deadline_exceeded", "", fleet.summary.deadline_exceeded ? 1 : 0);

  // The summary type, not a gauge with a quantile label: Prometheus reserves `quantile` for
  // summaries, and `promtool check metrics` rejects it on anything else. The values are exact
  // nearest-rank percentiles over this run's healthy checks (quantile="1" is the maximum), and
  // _sum and _count are this run's too, not totals since a process started: read them as
  // gauges. No healthy check: no quantile samples, and _count 0.
  out.family("fleetcheck_run_latency_seconds", "summary",
             "Duration of this run's healthy checks by quantile (nearest rank; 1 = max).");
  if (const auto latency = healthy_latency(fleet.results)) {
    const std::pair<std::string_view, double> quantiles[] = {
        {"0.5", latency->p50}, {"0.9", latency->p90}, {"0.99", latency->p99}, {"1", latency->max}};
    for (const auto& [quantile, seconds] : quantiles) {
      out.sample("fleetcheck_run_latency_seconds", prometheus_writer::label("quantile", quantile),
                 seconds);
    }
  }
  double sum = 0;
  for (const auto& r : fleet.results) {
    if (r.outcome == core::outcome::healthy) sum += r.duration_seconds;
  }
  out.sample("fleetcheck_run_latency_seconds_sum", "", sum);
  out.sample("fleetcheck_run_latency_seconds_count", "", static_cast<double>(t.healthy));
  os << text;
}

}  // namespace fleetcheck::report
