// `fleetcheck validate`: the effective targets, as `check` would run them, without sending a byte.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/check_plan.hpp"
#include "fleetcheck/cli/check_command.hpp"
#include "fleetcheck/cli/exit_codes.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/secrets.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"
#include "fleetcheck/report/text.hpp"

namespace fleetcheck::cli {
namespace {

using nlohmann::json;

// One overload per protocol: a protocol added to core::protocol_spec does not compile here until
// validate knows how to show it.
std::string protocol_name(const core::http_spec& spec) {
  return spec.tls ? "https" : "http";
}
std::string protocol_name(const core::tcp_spec&) {
  return "tcp";
}
std::string protocol_name(const core::grpc_spec& spec) {
  return spec.tls ? "grpcs" : "grpc";
}
std::string protocol_name(const core::tls_spec&) {
  return "tls";
}
std::string protocol_name(const core::icmp_spec&) {
  return "icmp";
}
std::string protocol_name(const core::dns_spec&) {
  return "dns";
}
std::string protocol_name(const core::unsupported_spec& spec) {
  return spec.scheme;
}

/// What only this protocol has, under its own key.
void add_protocol_json(json& out, const core::http_spec&, const core::check_settings& s,
                       const auto& hide) {
  json headers = json::object();
  for (const auto& [name, value] : s.http.request.headers) headers[name] = hide(value);
  out["http"] = {{"method", s.http.request.method},
                 {"headers", headers},
                 {"body", hide(s.http.request.body)},
                 {"expect_status", s.http.expect_status.describe()},
                 {"max_body_bytes", s.http.max_body_bytes},
                 {"max_header_bytes", s.http.max_header_bytes},
                 {"follow_redirects", s.http.follow_redirects},
                 {"reuse_connection", s.http.reuse_connection}};
}
void add_protocol_json(json& out, const core::tcp_spec&, const core::check_settings& s,
                       const auto& hide) {
  out["tcp"] = {{"send", hide(s.stream.send)}, {"expect", hide(s.stream.expect)}};
}
void add_protocol_json(json& out, const core::grpc_spec& spec, const core::check_settings& s,
                       const auto& hide) {
  json metadata = json::object();
  for (const auto& [name, value] : s.http.request.headers) metadata[name] = hide(value);
  out["grpc"] = {{"service", spec.service},
                 {"metadata", metadata},
                 {"reuse_connection", s.http.reuse_connection}};
}
void add_protocol_json(json& out, const core::tls_spec&, const core::check_settings& s,
                       const auto& hide) {
  out["stream"] = {{"send", hide(s.stream.send)}, {"expect", hide(s.stream.expect)}};
}
void add_protocol_json(json&, const core::icmp_spec&, const core::check_settings&, const auto&) {}
void add_protocol_json(json& out, const core::dns_spec& spec, const core::check_settings&,
                       const auto& hide) {
  out["dns"] = {{"query_name", hide(spec.name)}, {"query_type", spec.type}};
}
void add_protocol_json(json& out, const core::unsupported_spec& spec, const core::check_settings&,
                       const auto& hide) {
  out["unsupported"] = hide(spec.why);
}

std::string protocol_of(const core::target& t) {
  return std::visit([](const auto& spec) { return protocol_name(spec); }, t.spec);
}

json target_json(const core::target& t) {
  const auto& s = t.settings;
  const auto hide = [&](const std::string& v) { return core::redact(v, s.secrets); };
  json out{{"name", t.name},
           {"url", t.url},
           {"protocol", protocol_of(t)},
           {"origin", t.origin},
           {"timeout_seconds", core::to_seconds(s.timeout)},
           {"retries", s.retries}};
  if (!t.group.empty()) out["group"] = t.group;
  if (t.interval) out["interval_seconds"] = core::to_seconds(*t.interval);
  std::vector<std::string> conditions;
  for (const auto& c : s.conditions) conditions.push_back(c.text());
  out["conditions"] = conditions;
  std::visit([&](const auto& spec) { add_protocol_json(out, spec, s, hide); }, t.spec);
  if (t.uses_tls()) {
    out["tls"] = {{"ca_file", s.tls.ca_file},
                  {"server_name", s.tls.server_name},
                  {"cert_file", s.tls.cert_file},
                  {"key_file", s.tls.key_file},
                  {"insecure_skip_verify", s.tls.insecure_skip_verify}};
  }
  return out;
}

void render_table(std::ostream& out, const check_plan& p) {
  std::size_t w_name = 4, w_url = 3;
  for (const auto& t : p.targets) {
    w_name = std::max(w_name, report::printable(t.name).size());
    w_url = std::max(w_url, report::printable(t.url).size());
  }
  out << fmt::format("{:<{}}  {:<{}}  {:<8}  {:>8}  {:>7}  {}\n", "NAME", w_name, "URL", w_url,
                     "PROTOCOL", "TIMEOUT", "RETRIES", "FROM");
  for (const auto& t : p.targets) {
    out << fmt::format("{:<{}}  {:<{}}  {:<8}  {:>8}  {:>7}  {}\n", report::printable(t.name),
                       w_name, report::printable(t.url), w_url, protocol_of(t),
                       core::format_duration(t.settings.timeout), t.settings.retries, t.origin);
  }
  out << fmt::format("\n{} targets valid; deadline {}, concurrency {}\n", p.targets.size(),
                     core::format_duration(p.run.deadline), p.run.concurrency);
  // serve's alert channels, by their display URL: the tokens in a webhook's path stay hidden.
  for (const auto& c : p.alerting.channels) {
    out << fmt::format("alert channel {} ({}) -> {}  {}\n", report::printable(c.name),
                       alert::to_string(c.format), report::printable(c.display_url), c.origin);
  }
  if (!p.alerting.maintenance.empty()) {
    out << fmt::format("{} maintenance windows\n", p.alerting.maintenance.size());
  }
}

}  // namespace

int run_validate(const check_options& options, std::ostream& out, std::ostream& err) {
  try {
    if (options.format != "table" && options.format != "json") {
      throw core::config_error(
          fmt::format("--format {}: validate prints table or json", options.format));
    }
    const auto p = make_check_plan(options);
    probe::tls_contexts tls(p.targets);  // a CA or key file that does not load is invalid too
    for (const auto& notice : p.notices) err << "fleetcheck: note: " << notice << '\n';
    if (options.format == "json") {
      json doc{{"deadline_seconds", core::to_seconds(p.run.deadline)},
               {"concurrency", p.run.concurrency},
               {"targets", json::array()}};
      for (const auto& t : p.targets) doc["targets"].push_back(target_json(t));
      doc["alerting"] = json::array();
      for (const auto& c : p.alerting.channels) {
        doc["alerting"].push_back({{"name", c.name},
                                   {"type", alert::to_string(c.format)},
                                   {"url", c.display_url},
                                   {"from", c.origin}});
      }
      doc["maintenance_windows"] = p.alerting.maintenance.size();
      out << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    } else {
      render_table(out, p);
    }
  } catch (const core::config_error& e) {
    err << "fleetcheck: " << e.what() << '\n';
    return bad_input;
  }
  return out ? all_healthy : internal_error;
}

}  // namespace fleetcheck::cli
