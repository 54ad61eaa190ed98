#include "config/gatus_endpoint.hpp"

#include <algorithm>
#include <cctype>
#include <span>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "config/gatus_values.hpp"
#include "config/settings_keys.hpp"
#include "config/yaml_merge.hpp"
#include "fleetcheck/conditions/condition.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/core/secrets.hpp"

namespace fleetcheck::config {
namespace {

// Every key of Gatus's Endpoint (config/endpoint/endpoint.go).
constexpr std::string_view endpoint_keys[] = {
    "enabled", "name",         "group",   "url",       "method",
    "body",    "graphql",      "headers", "interval",  "conditions",
    "client",  "dns",          "ssh",     "alerts",    "maintenance-windows",
    "ui",      "extra-labels", "store",   "always-run"};
// Those for Gatus's dashboard, alerting, metrics and suites: a one-shot check has no use for them.
constexpr std::string_view dashboard_keys[] = {
    "alerts", "maintenance-windows", "ui", "extra-labels", "store", "always-run"};
// Gatus's client.Config (client/config.go).
constexpr std::string_view client_keys[] = {
    "timeout", "insecure", "ignore-redirect",      "tls",    "proxy-url",    "dns-resolver",
    "oauth2",  "network",  "identity-aware-proxy", "tunnel", "store-cookies"};
// Client settings that change how Gatus reaches an endpoint, and that fleetcheck does not have.
constexpr std::string_view unapplied_client_keys[] = {
    "proxy-url", "dns-resolver", "oauth2", "identity-aware-proxy", "tunnel", "store-cookies"};
constexpr std::string_view client_tls_keys[] = {"certificate-file", "private-key-file",
                                                "renegotiation"};
constexpr std::string_view dns_keys[] = {"query-type", "query-name"};
constexpr std::string_view ssh_keys[] = {"username", "password", "private-key"};
// Endpoint types of Gatus's Endpoint.Type() that fleetcheck cannot check yet, by URL scheme.
constexpr std::string_view unsupported_schemes[] = {"udp", "sctp", "ssh", "starttls", "ws", "wss"};
// Endpoint types fleetcheck checks itself, by URL scheme.
constexpr std::string_view supported_schemes[] = {"http", "https", "tcp",  "tls",
                                                  "icmp", "grpc",  "grpcs"};

struct own_key {
  std::string_view key;
  std::string_view instead;
};
// fleetcheck's own target keys. A Gatus file does not take them: Gatus would ignore them without
// a word, and the same file would then be checked differently by the two tools.
constexpr own_key fleetcheck_keys[] = {
    {"timeout", "use client.timeout"},
    {"tls", "use client.insecure and client.tls (certificate-file, private-key-file)"},
    {"follow_redirects", "Gatus follows redirects unless client.ignore-redirect is true"},
    {"retries", "Gatus has no such setting; give --retries"},
    {"expect_status", "use a condition such as '[STATUS] == 200'"},
    {"basic_auth", "put the credentials in the URL or an Authorization header"},
    {"bearer_token", "use an Authorization header"},
    {"send", "use body"},
    {"expect", "Gatus has no such setting"},
    {"max_body", "Gatus has no such setting; give --max-body"},
    {"max_header", "Gatus has no such setting; give --max-header"},
};

bool contains(std::span<const std::string_view> keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool contains_ignoring_case(std::string_view text, std::string_view word) {
  return std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) ==
                  std::toupper(static_cast<unsigned char>(b));
         }) != text.end();
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && contains_ignoring_case(a, b);
}

void check_endpoint_keys(const yaml_reader& r, const YAML::Node& map, std::string_view context) {
  for (const auto& entry : map) {
    if (!entry.first.IsScalar()) continue;  // check_keys below says so
    for (const auto& own : fleetcheck_keys) {
      if (entry.first.Scalar() != own.key) continue;
      r.fail(entry.first, context,
             fmt::format("'{}' is a fleetcheck target key, not a Gatus one (this file is read as a "
                         "Gatus config because it has 'endpoints:'): {}",
                         own.key, own.instead));
    }
  }
  r.check_keys(map, endpoint_keys, context);
}

core::target unsupported_target(const std::string& url, std::string scheme, std::string why,
                                const core::check_settings& inherited) {
  core::target t;
  t.settings = inherited;
  t.spec = core::unsupported_spec{std::move(scheme), loose_endpoint(url), std::move(why)};
  t.url = without_userinfo(url);
  return t;
}

/// Turns a target of a protocol fleetcheck has into a row that says what it cannot check yet;
/// a target already unsupported keeps its first reason.
void make_unsupported(gatus_endpoint& out, std::string what, std::string why) {
  auto& t = out.target;
  if (std::holds_alternative<core::unsupported_spec>(t.spec)) return;
  out.unsupported = std::move(what);
  const auto scheme = std::holds_alternative<core::tcp_spec>(t.spec)    ? "tcp"
                      : std::holds_alternative<core::tls_spec>(t.spec)  ? "tls"
                      : std::holds_alternative<core::icmp_spec>(t.spec) ? "icmp"
                      : std::holds_alternative<core::grpc_spec>(t.spec)
                          ? (t.uses_tls() ? "grpcs" : "grpc")
                      : t.uses_tls() ? "https"
                                     : "http";
  core::unsupported_spec spec{scheme, t.at(), std::move(why)};
  t.spec = std::move(spec);
}

void read_client_tls(const yaml_reader& r, const YAML::Node& node, std::string_view context,
                     core::tls_settings& tls, gatus_endpoint& out) {
  const auto map = with_merge_keys(r, node, context);
  r.check_keys(map, client_tls_keys, fmt::format("{}: client.tls", context));
  std::string cert, key;
  if (const auto n = child(map, "certificate-file")) {
    cert = r.readable_file(n, context, "client.tls.certificate-file");
  }
  if (const auto n = child(map, "private-key-file")) {
    key = r.readable_file(n, context, "client.tls.private-key-file");
  }
  // Gatus drops a half mTLS setting without a word; here it is the mistake it most likely is.
  if (cert.empty() != key.empty()) {
    r.fail(node, context,
           "client.tls: certificate-file and private-key-file go together (mTLS needs both)");
  }
  if (!cert.empty()) {
    tls.cert_file = std::move(cert);
    tls.key_file = std::move(key);
  }
  if (const auto n = child(map, "renegotiation")) {
    r.scalar(n, context, "client.tls.renegotiation");
    out.not_applied.emplace_back("client.tls.renegotiation");
  }
}

void read_client(const yaml_reader& r, const YAML::Node& node, std::string_view context,
                 core::check_settings& s, gatus_endpoint& out) {
  if (node.IsNull()) return;  // `client:` alone: Gatus's defaults
  const auto map = with_merge_keys(r, node, context);
  r.check_keys(map, client_keys, fmt::format("{}: client", context));
  if (const auto n = child(map, "timeout")) s.timeout = r.duration(n, context, "client.timeout");
  if (const auto n = child(map, "insecure")) {
    s.tls.insecure_skip_verify = r.boolean(n, context, "client.insecure");
  }
  if (const auto n = child(map, "ignore-redirect")) {
    s.http.follow_redirects = r.boolean(n, context, "client.ignore-redirect") ? 0 : gatus_redirects;
  }
  if (const auto n = child(map, "tls"); n && !n.IsNull())
    read_client_tls(r, n, context, s.tls, out);
  for (const auto key : unapplied_client_keys) {
    if (map[std::string(key)]) out.not_applied.push_back(fmt::format("client.{}", key));
  }
  // Only ICMP checks use the network (ip, ip4, ip6); fleetcheck pings the first address.
  if (child(map, "network")) out.ignored.emplace_back("client.network");
}

/// Reads the conditions (Gatus requires at least one); says whether one needs a WHOIS lookup,
/// which fleetcheck does not do.
bool read_gatus_conditions(const yaml_reader& r, const YAML::Node& map, const YAML::Node& node,
                           std::string_view context, core::check_settings& s) {
  const auto list = child(map, "conditions");
  if (!list || list.IsNull() || (list.IsSequence() && list.size() == 0)) {
    r.fail(list ? list : node, context,
           "no conditions: Gatus requires at least one, e.g. '[STATUS] == 200'");
  }
  if (!list.IsSequence()) {
    r.fail(list, context, "'conditions' must be a list, e.g. ['[STATUS] == 200']");
  }
  s.conditions.clear();
  bool whois = false;
  for (const auto& item : list) {
    const auto text = r.scalar(item, context, "conditions");
    if (contains_ignoring_case(text, "[DOMAIN_EXPIRATION]")) {
      whois = true;
      continue;
    }
    try {
      s.conditions.push_back(conditions::condition::parse(text));
    } catch (const conditions::condition_error& e) {
      r.fail(item, context, e.what());
    }
  }
  return whois;
}

/// ui.hide-url and ui.hide-hostname exist to keep a token in a URL off a public page; fleetcheck
/// honours them by treating the URL or host as a secret, redacted from every output.
void hide_what_ui_hides(const yaml_reader& r, const YAML::Node& ui, std::string_view context,
                        const std::string& url, core::target& t) {
  if (!ui.IsMap()) return;
  if (const auto n = child(ui, "hide-url"); n && r.boolean(n, context, "ui.hide-url")) {
    core::add_secret(t.settings.secrets, url);
    core::add_secret(t.settings.secrets, t.url);
  }
  if (const auto n = child(ui, "hide-hostname"); n && r.boolean(n, context, "ui.hide-hostname")) {
    core::add_secret(t.settings.secrets, t.at().host);
  }
}

/// A `dns` block: Gatus asks the server in `url` (host or IP, ":53" unless given) for
/// query-name's query-type records, both required.
core::expected<core::target> dns_target(const yaml_reader& r, const YAML::Node& block,
                                        const std::string& url, std::string_view context,
                                        const core::check_settings& inherited) {
  const auto name_node = child(block, "query-name");
  const auto type_node = child(block, "query-type");
  if (!name_node || !type_node) {
    return core::unexpected{"needs both 'query-name' and 'query-type' (as in Gatus)"};
  }
  const auto name = r.scalar(name_node, context, "dns.query-name");
  const auto type = r.scalar(type_node, context, "dns.query-type");
  if (name.empty()) return core::unexpected{"'query-name' is empty"};
  if (url.find("://") != std::string::npos || url.find('/') != std::string::npos) {
    return core::unexpected{
        fmt::format("'url' of a DNS endpoint is the server, 'host' or 'host:port'; got '{}'", url)};
  }
  return target_from_url(fmt::format("dns://{}/{}?type={}", url, name, type), inherited);
}

}  // namespace

core::check_settings gatus_client_defaults() {
  core::check_settings s;
  s.timeout = gatus_timeout;
  s.http.follow_redirects = gatus_redirects;
  return s;
}

gatus_endpoint read_gatus_endpoint(const yaml_reader& r, const YAML::Node& node, std::size_t index,
                                   const core::check_settings& inherited) {
  std::string context = fmt::format("endpoints[{}]", index);
  if (!node.IsMap()) {
    r.fail(node, context, "expected a mapping with at least 'name', 'url' and 'conditions'");
  }
  const auto map = with_merge_keys(r, node, context);
  std::string name, group;
  if (const auto n = child(map, "name")) name = r.scalar(n, context, "name");
  if (const auto n = child(map, "group")) group = r.scalar(n, context, "group");
  // Gatus tells apart two endpoints of one name by their groups; so do fleetcheck's names.
  const auto display = group.empty() ? name : group + "/" + name;
  if (!name.empty()) context = fmt::format("endpoint '{}'", display);
  check_endpoint_keys(r, map, context);  // first: a misspelt `name` is a typo, not a missing name
  if (!child(map, "name")) r.fail(node, context, "missing 'name' (Gatus requires one)");
  if (name.empty()) r.fail(child(map, "name"), context, "'name' must not be empty");
  if (display.find_first_of("\"\\") != std::string::npos) {
    r.fail(child(map, "name"), context,
           "the name and group must not contain \" or \\ (as in Gatus)");
  }

  gatus_endpoint out;
  if (const auto n = child(map, "enabled")) out.enabled = r.boolean(n, context, "enabled");
  const auto url_node = child(map, "url");
  if (!url_node) r.fail(node, context, "missing 'url'");
  const auto url = r.scalar(url_node, context, "url");
  if (url.empty()) r.fail(url_node, context, "'url' is empty");

  // The protocol, as Gatus's Endpoint.Type() decides it: a dns block makes a DNS check whatever
  // the URL, then the URL's scheme.
  auto& t = out.target;
  const auto scheme_end = url.find("://");
  const auto scheme = url.substr(0, scheme_end == std::string::npos ? 0 : scheme_end);
  if (const auto dns = child(map, "dns"); dns && !dns.IsNull()) {
    const auto block = with_merge_keys(r, dns, context);
    r.check_keys(block, dns_keys, fmt::format("{}: dns", context));
    t = r.take(dns_target(r, block, url, context, inherited), dns, context, "dns");
  } else if (scheme_end == std::string::npos || contains(supported_schemes, scheme)) {
    t = r.take(target_from_url(url, inherited), url_node, context, "");
  } else if (contains(unsupported_schemes, scheme)) {
    t = unsupported_target(url, scheme, fmt::format("{}:// checks are not supported yet", scheme),
                           inherited);
    out.unsupported = scheme + "://";
  } else {
    r.fail(url_node, context,
           fmt::format("unknown endpoint type: URL '{}' (Gatus checks http://, https://, tcp://, "
                       "udp://, sctp://, icmp://, ssh://, starttls://, tls://, ws://, wss://, "
                       "grpc://, grpcs://, and DNS with a 'dns' block)",
                       url));
  }
  // Gatus's grpc:// (client/grpc.go, config/endpoint/endpoint.go in TwiN/gatus): one
  // grpc.health.v1.Health/Check of service "" (the URL is the dial address: host:port), grpcs://
  // over TLS with client.insecure and client.tls; any answer is [CONNECTED], its serving status is
  // [BODY] as {"status":"SERVING"}, and only the conditions judge it. It sends no method, headers
  // or body.
  const bool grpc = std::holds_alternative<core::grpc_spec>(t.spec);
  if (grpc) {
    auto& spec = std::get<core::grpc_spec>(t.spec);
    if (!spec.service.empty()) {
      r.fail(url_node, context,
             fmt::format("a Gatus grpc:// URL is host:port: Gatus asks about the server as a whole "
                         "and has no service in its URL (got '{}')",
                         url));
    }
    spec.serving_decides = false;
  }
  // tcp:// and tls:// are the stream checks: Gatus sends their body and ignores HTTP's keys.
  const bool tcp = std::holds_alternative<core::tcp_spec>(t.spec) ||
                   std::holds_alternative<core::tls_spec>(t.spec);
  auto& s = t.settings;
  core::check_settings grpc_scratch;  // what Gatus does not send on grpc://
  auto& sent = grpc ? grpc_scratch : s;

  const bool whois = read_gatus_conditions(r, map, node, context, s);
  // Gatus ignores method, headers and graphql on tcp:// endpoints; they are still checked here.
  if (const auto n = child(map, "method")) {
    auto method = upper_method(r, n, context);
    if (tcp) {
      out.ignored_on_tcp.emplace_back("method");
    } else {
      sent.http.request.method = std::move(method);
    }
  }
  if (const auto n = child(map, "headers"); n && !n.IsNull()) {
    core::check_settings scratch;
    read_headers(r, with_merge_keys(r, n, context), context, tcp ? scratch : sent);
    if (tcp) out.ignored_on_tcp.emplace_back("headers");
  }
  bool graphql = false;
  if (const auto n = child(map, "graphql")) {
    graphql = r.boolean(n, context, "graphql");
    if (tcp) out.ignored_on_tcp.emplace_back("graphql");
  }
  std::string body;
  if (const auto n = child(map, "body")) {
    body = expand_body(r.scalar(n, context, "body"), name, group, url);
  }
  if (tcp) {
    // Gatus sends a tcp:// body as it is (and reads the reply into [BODY]).
    s.stream.send = body;
    if (body.find("[LOCAL_ADDRESS]") != std::string::npos) {
      make_unsupported(out, "[LOCAL_ADDRESS]",
                       fmt::format("[LOCAL_ADDRESS] in a {}:// body is not supported yet", scheme));
    } else if (!body.empty() && s.keeps_body()) {
      make_unsupported(out, fmt::format("{}:// [BODY]", scheme),
                       fmt::format("{0}:// conditions on [BODY] are not supported yet: fleetcheck "
                                   "does not keep a {0}:// reply",
                                   scheme));
    }
  } else if (graphql) {
    const nlohmann::json query{{"query", body}};
    sent.http.request.body = query.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const auto& headers = sent.http.request.headers;
    if (std::none_of(headers.begin(), headers.end(),
                     [](const auto& h) { return equal_ignoring_case(h.first, "Content-Type"); })) {
      set_header(sent.http.request, "Content-Type", "application/json");
    }
  } else {
    sent.http.request.body = body;
  }
  if (grpc) {
    for (const auto* key : {"method", "headers", "body", "graphql"}) {
      if (map[key]) out.ignored.emplace_back(key);
    }
  }
  if (const auto n = child(map, "client")) read_client(r, n, context, s, out);
  if (const auto n = child(map, "interval")) t.interval = r.duration(n, context, "interval");
  if (const auto n = child(map, "ssh")) {
    if (!n.IsNull()) {
      r.check_keys(with_merge_keys(r, n, context), ssh_keys, fmt::format("{}: ssh", context));
    }
    if (scheme != "ssh") out.ignored.emplace_back("ssh");
  }
  for (const auto key : dashboard_keys) {
    if (map[std::string(key)]) out.ignored.emplace_back(key);
  }
  if (whois) {
    make_unsupported(out, "[DOMAIN_EXPIRATION]",
                     "[DOMAIN_EXPIRATION] conditions are not supported yet: fleetcheck does no "
                     "WHOIS lookups");
  }

  if (const auto n = child(map, "ui")) hide_what_ui_hides(r, n, context, url, t);
  for (auto& secret : r.take_env_secrets()) core::add_secret(s.secrets, std::move(secret));
  // Trying again cannot help a check that is never made.
  if (std::holds_alternative<core::unsupported_spec>(t.spec)) s.retries = 0;
  t.name = core::redact(display, s.secrets);
  t.group = group;
  t.url = core::redact(t.url, s.secrets);
  t.origin = r.where(node);
  return out;
}

}  // namespace fleetcheck::config
