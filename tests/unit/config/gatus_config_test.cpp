// Gatus configuration files read as fleets: each key mapped, Gatus's defaults, what is ignored
// and said so, and what is refused. Gatus's own examples: gatus_examples_test.cpp.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/core/config_error.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace {

config::fleet_config parse(const std::string& yaml, const config::settings_overlay& flags = {}) {
  return testkit::parse_as("gatus.yaml", yaml, flags);
}

std::string error_of(const std::string& yaml) {
  return testkit::error_parsing("gatus.yaml", yaml);
}

using testkit::http_of;

const core::unsupported_spec& unsupported_of(const core::target& t) {
  return std::get<core::unsupported_spec>(t.spec);
}

/// A readable file in the test's temporary directory (its content does not matter to the loader).
std::string temp_file(const std::string& name) {
  const auto path = ::testing::TempDir() + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << "placeholder\n";
  return path;
}

}  // namespace

TEST(gatus_config, maps_the_endpoint_keys) {
  const auto c = parse(R"(endpoints:
  - name: api
    group: core
    url: "https://10.0.0.5:8443/health?deep=1"
    method: post
    body: '{"ping": true}'
    headers:
      X-Team: sre
      Authorization: Bearer abc
    interval: 30s
    conditions:
      - "[STATUS] == 200"
      - "[BODY].status == UP"
)");
  ASSERT_EQ(c.targets.size(), 1u);
  const auto& t = c.targets[0];
  EXPECT_EQ(t.name, "core/api");
  EXPECT_EQ(t.group, "core");
  EXPECT_EQ(t.url, "https://10.0.0.5:8443/health?deep=1");
  EXPECT_EQ(t.origin, "gatus.yaml:2");
  EXPECT_TRUE(http_of(t).tls);
  EXPECT_EQ(http_of(t).path, "/health?deep=1");
  EXPECT_EQ(t.settings.http.request.method, "POST");
  EXPECT_EQ(t.settings.http.request.body, R"({"ping": true})");
  ASSERT_EQ(t.settings.http.request.headers.size(), 2u);
  EXPECT_EQ(t.settings.http.request.headers[0].second, "sre");
  EXPECT_THAT(t.settings.secrets, ElementsAre("Bearer abc"));
  ASSERT_EQ(t.settings.conditions.size(), 2u);
  EXPECT_EQ(t.settings.conditions[1].text(), "[BODY].status == UP");
  EXPECT_EQ(t.interval, std::optional<core::duration>(30s));
  EXPECT_THAT(c.notices, IsEmpty());
  EXPECT_FALSE(c.deadline);
  EXPECT_FALSE(c.concurrency);
}

TEST(gatus_config, has_gatus_client_defaults_a_10s_timeout_and_redirects_followed) {
  const auto c =
      parse("endpoints:\n  - {name: a, url: http://h/, conditions: ['[STATUS] == 200']}\n");
  const auto& s = c.targets[0].settings;
  EXPECT_EQ(s.timeout, 10s);
  EXPECT_EQ(s.http.follow_redirects, 10);
  EXPECT_FALSE(s.tls.insecure_skip_verify);
  EXPECT_FALSE(c.targets[0].interval);
}

TEST(gatus_config, reads_the_client_settings) {
  const auto c = parse(R"(endpoints:
  - name: quick
    url: https://h/
    client: {timeout: 1500ms, insecure: true, ignore-redirect: true}
    conditions: ['[STATUS] == 302']
  - name: explicit
    url: https://h/
    client: {ignore-redirect: false}
    conditions: ['[STATUS] == 200']
)");
  EXPECT_EQ(c.targets[0].settings.timeout, 1500ms);
  EXPECT_TRUE(c.targets[0].settings.tls.insecure_skip_verify);
  EXPECT_EQ(c.targets[0].settings.http.follow_redirects, 0);
  EXPECT_EQ(c.targets[1].settings.http.follow_redirects, 10);
  EXPECT_THAT(error_of("endpoints:\n  - name: a\n    url: http://h/\n    client: {timeout: 2}\n"
                       "    conditions: ['[STATUS] == 200']\n"),
              HasSubstr("gatus.yaml:4: endpoint 'a': 'client.timeout': invalid duration '2'"));
}

TEST(gatus_config, command_line_overlays_gatus_defaults_but_not_the_endpoint_keys) {
  const auto flags = [](core::check_settings& s) {
    s.timeout = 3s;
    s.http.follow_redirects = 0;
    s.retries = 2;
  };
  const auto c = parse(R"(endpoints:
  - {name: plain, url: "http://h/", conditions: ['[STATUS] == 200']}
  - name: own
    url: http://h/
    client: {timeout: 7s, ignore-redirect: false}
    conditions: ['[STATUS] == 200']
)",
                       flags);
  EXPECT_EQ(c.targets[0].settings.timeout, 3s);
  EXPECT_EQ(c.targets[0].settings.http.follow_redirects, 0);
  EXPECT_EQ(c.targets[0].settings.retries, 2);
  EXPECT_EQ(c.targets[1].settings.timeout, 7s);
  EXPECT_EQ(c.targets[1].settings.http.follow_redirects, 10);
}

TEST(gatus_config, client_tls_files_are_mtls) {
  const auto cert = temp_file("client.crt");
  const auto key = temp_file("client.key");
  const auto c = parse(
      "endpoints:\n  - name: m\n    url: https://h/\n    client:\n      tls:\n"
      "        certificate-file: " +
      cert + "\n        private-key-file: " + key + "\n    conditions: ['[STATUS] == 200']\n");
  EXPECT_EQ(c.targets[0].settings.tls.cert_file, cert);
  EXPECT_EQ(c.targets[0].settings.tls.key_file, key);
  EXPECT_THAT(error_of("endpoints:\n  - name: m\n    url: https://h/\n    client:\n      tls:\n"
                       "        certificate-file: " +
                       cert + "\n    conditions: ['[STATUS] == 200']\n"),
              HasSubstr("certificate-file and private-key-file go together"));
  EXPECT_THAT(error_of("endpoints:\n  - name: m\n    url: https://h/\n    client:\n      tls:\n"
                       "        certificate-file: /nonexistent/c.pem\n"
                       "        private-key-file: /nonexistent/k.pem\n"
                       "    conditions: ['[STATUS] == 200']\n"),
              HasSubstr("gatus.yaml:6: endpoint 'm': 'client.tls.certificate-file': cannot read "
                        "'/nonexistent/c.pem'"));
}

TEST(gatus_config, expands_dollar_var_and_braced_var_with_dollar_dollar_as_a_dollar) {
  ::setenv("FC_GATUS_HOST", "10.1.2.3", 1);
  ::setenv("FC_GATUS_PORT", "8080", 1);
  ::setenv("FC_GATUS_API_TOKEN", "t0ps3cret", 1);
  const auto c = parse(R"(endpoints:
  - name: api
    url: "http://$FC_GATUS_HOST:${FC_GATUS_PORT}/price?cur=$$USD"
    headers: {X-Key: "$FC_GATUS_API_TOKEN"}
    body: "costs 5$ or $$5"
    conditions: ['[STATUS] == 200']
)");
  const auto& t = c.targets[0];
  EXPECT_EQ(t.at().host, "10.1.2.3");
  EXPECT_EQ(t.at().port, 8080);
  EXPECT_EQ(http_of(t).path, "/price?cur=$USD");
  EXPECT_EQ(t.settings.http.request.body, "costs 5$ or $5");  // a lone `$` stays, as in Go
  EXPECT_THAT(t.settings.secrets, ElementsAre("t0ps3cret"));  // a secret-looking variable
}

TEST(gatus_config, an_unset_variable_is_an_error_not_an_empty_string) {
  ::unsetenv("FC_GATUS_UNSET");
  EXPECT_THAT(error_of("endpoints:\n  - name: a\n    url: http://h/$FC_GATUS_UNSET\n"
                       "    conditions: ['[STATUS] == 200']\n"),
              HasSubstr("gatus.yaml:3: endpoint 'a': 'url' uses environment variable "
                        "FC_GATUS_UNSET which is not set (write $$ for a literal $)"));
  EXPECT_THAT(error_of("endpoints:\n  - name: a\n    url: http://h/${FC_GATUS_UNSET}\n"
                       "    conditions: ['[STATUS] == 200']\n"),
              HasSubstr("gatus.yaml:3: endpoint 'a': 'url' uses environment variable"));
  // The dashboard's settings are not read, so they need no variables.
  EXPECT_NO_THROW(
      parse("storage: {path: \"postgres://${FC_GATUS_UNSET}@db\"}\nendpoints:\n"
            "  - {name: a, url: http://h/, conditions: ['[STATUS] == 200']}\n"));
}

TEST(gatus_config, fleetcheck_files_keep_dollar_var_literal) {
  const auto c = config::parse_config("targets:\n  - url: http://h/$NOT_A_VAR\n", "fleet.yaml");
  EXPECT_EQ(http_of(c.targets[0]).path, "/$NOT_A_VAR");
}

TEST(gatus_config, lists_what_it_ignores_once_per_file) {
  const auto c = parse(R"(metrics: true
alerting: {slack: {webhook-url: "https://hooks.slack.com/x"}}
ui: {title: Status}
storage: {type: sqlite, path: /data/data.db}
concurrency: 3
endpoints:
  - name: a
    url: http://h/
    conditions: ['[STATUS] == 200']
    alerts: [{type: slack}]
    ui: {hide-conditions: true}
  - name: b
    url: http://h/
    conditions: ['[STATUS] == 200']
    alerts: [{type: slack}]
    extra-labels: {env: prod}
    client: {proxy-url: "http://proxy:3128", oauth2: {token-url: x}}
  - name: c
    url: tcp://h:6379
    method: GET
    conditions: ['[CONNECTED] == true']
    client: {proxy-url: "http://proxy:3128"}
)");
  EXPECT_THAT(c.notices,
              ElementsAre("gatus.yaml: ignored (Gatus dashboard/alerting settings fleetcheck does "
                          "not use): metrics, alerting, ui, storage, concurrency; endpoint keys: "
                          "alerts (2 endpoints), ui (1 endpoint), extra-labels (1 endpoint); keys "
                          "Gatus also ignores on tcp:// and tls:// endpoints: method (1 endpoint)",
                          "gatus.yaml: not applied (Gatus client settings fleetcheck does not "
                          "have; these endpoints are checked without them): client.proxy-url (b, "
                          "c), client.oauth2 (b)"));
}

TEST(gatus_config, keys_that_are_not_gatus_keys_are_errors_with_a_hint) {
  EXPECT_THAT(error_of("alertng: {}\nendpoints:\n  - {name: a, url: http://h/, conditions: "
                       "['[STATUS] == 200']}\n"),
              HasSubstr("gatus.yaml:1: unknown key 'alertng' (did you mean 'alerting'?)"));
  EXPECT_THAT(error_of("endpoints:\n  - name: a\n    url: http://h/\n    condition: ['x']\n"),
              HasSubstr("gatus.yaml:4: endpoint 'a': unknown key 'condition' (did you mean "
                        "'conditions'?)"));
  EXPECT_THAT(error_of("endpoints:\n  - name: a\n    url: http://h/\n    client: {timout: 1s}\n"
                       "    conditions: ['[STATUS] == 200']\n"),
              HasSubstr("endpoint 'a': client: unknown key 'timout' (did you mean 'timeout'?)"));
  EXPECT_THAT(error_of("endpoints:\n  - name: a\n    url: http://h/\n    client:\n      tls: "
                       "{cert-file: x}\n    conditions: ['[STATUS] == 200']\n"),
              HasSubstr("client.tls: unknown key 'cert-file'"));
  EXPECT_THAT(error_of("endpoints:\n  - name: a\n    url: http://h/\n    timeout: 2s\n"
                       "    conditions: ['[STATUS] == 200']\n"),
              HasSubstr("gatus.yaml:4: endpoint 'a': 'timeout' is a fleetcheck target key, not a "
                        "Gatus one (this file is read as a Gatus config because it has "
                        "'endpoints:'): use client.timeout"));
  EXPECT_THAT(error_of("endpoints:\n  - {nmae: a, url: http://h/, conditions: ['[STATUS] == "
                       "200']}\n"),
              HasSubstr("gatus.yaml:2: endpoints[0]: unknown key 'nmae' (did you mean 'name'?)"));
  EXPECT_THAT(error_of("deadline: 5s\nendpoints: []\n"), HasSubstr("give --deadline"));
  EXPECT_THAT(error_of("endpoints:\n  - name: a\n    url: 8.8.8.8\n    dns: {query-nme: x}\n"
                       "    conditions: ['[DNS_RCODE] == NOERROR']\n"),
              HasSubstr("dns: unknown key 'query-nme' (did you mean 'query-name'?)"));
}

TEST(gatus_config, names_are_group_slash_name_so_groups_may_share_names) {
  const auto c = parse(R"(endpoints:
  - {name: api, group: core, url: http://a/, conditions: ['[STATUS] == 200']}
  - {name: api, group: edge, url: http://b/, conditions: ['[STATUS] == 200']}
  - {name: api, url: http://c/, conditions: ['[STATUS] == 200']}
)");
  ASSERT_EQ(c.targets.size(), 3u);
  EXPECT_EQ(c.targets[0].name, "core/api");
  EXPECT_EQ(c.targets[1].name, "edge/api");
  EXPECT_EQ(c.targets[2].name, "api");
  EXPECT_THAT(error_of(R"(endpoints:
  - {name: api, group: core, url: http://a/, conditions: ['[STATUS] == 200']}
  - {name: api, group: core, url: http://b/, conditions: ['[STATUS] == 200']}
)"),
              HasSubstr("gatus.yaml:3: endpoint 'core/api': another endpoint has this name and "
                        "group (first defined at gatus.yaml:2)"));
  EXPECT_THAT(error_of("endpoints:\n  - {url: http://a/, conditions: ['[STATUS] == 200']}\n"),
              HasSubstr("gatus.yaml:2: endpoints[0]: missing 'name' (Gatus requires one)"));
}

TEST(gatus_config, disabled_endpoints_are_not_checked_and_listed) {
  const auto c = parse(R"(endpoints:
  - {name: up, url: http://a/, conditions: ['[STATUS] == 200']}
  - {name: down, group: g, enabled: false, url: http://b/, conditions: ['[STATUS] == 200']}
  - {name: old, enabled: false, url: icmp://c, conditions: ['[CONNECTED] == true']}
)");
  ASSERT_EQ(c.targets.size(), 1u);
  EXPECT_EQ(c.targets[0].name, "up");
  EXPECT_THAT(c.notices,
              ElementsAre("gatus.yaml: not checked, disabled (enabled: false): g/down, old"));
  EXPECT_THAT(error_of("endpoints:\n  - {name: a, enabled: false, url: http://a/, conditions: "
                       "['[STATUS] == 200']}\n"),
              HasSubstr("every endpoint is disabled (enabled: false): nothing to check"));
  // A disabled endpoint is still a Gatus endpoint: its mistakes are still mistakes.
  EXPECT_THAT(
      error_of("endpoints:\n  - {name: a, url: http://a/, conditions: ['[STATUS] == 200']}"
               "\n  - {name: b, enabled: false, url: http://a/, conditions: ['[STATUS] = 200']}\n"),
      HasSubstr("gatus.yaml:3: endpoint 'b':"));
}

TEST(gatus_config, grpc_endpoints_are_judged_by_their_conditions) {
  const auto c = parse(R"(endpoints:
  - name: g
    url: grpc://127.0.0.1:50051
    headers: {X-A: b}
    conditions: ['[CONNECTED] == true', '[BODY].status == SERVING']
  - {name: s, url: "grpcs://h:443", client: {insecure: true}, conditions: ['[CONNECTED] == true']}
)");
  ASSERT_EQ(c.targets.size(), 2u);
  const auto& plain = std::get<core::grpc_spec>(c.targets[0].spec);
  EXPECT_FALSE(plain.tls);
  EXPECT_EQ(plain.service, "");
  EXPECT_FALSE(plain.serving_decides);
  // Gatus sends no headers on grpc://.
  EXPECT_TRUE(c.targets[0].settings.http.request.headers.empty());
  EXPECT_TRUE(std::get<core::grpc_spec>(c.targets[1].spec).tls);
  EXPECT_TRUE(c.targets[1].settings.tls.insecure_skip_verify);
  EXPECT_THAT(error_of("endpoints:\n  - {name: g, url: 'grpc://h:1/my.Svc', conditions: "
                       "['[CONNECTED] == true']}\n"),
              HasSubstr("a Gatus grpc:// URL is host:port"));
}

TEST(gatus_config, protocols_fleetcheck_cannot_check_become_error_rows) {
  const auto c = parse(R"(endpoints:
  - {name: ping, url: "icmp://example.org", conditions: ['[CONNECTED] == true']}
  - {name: ping6, url: "icmp://::1", conditions: ['[CONNECTED] == true']}
  - {name: udp, url: "udp://example.org:53", conditions: ['[CONNECTED] == true']}
  - {name: ssh, url: "ssh://example.com:22", ssh: {username: u, password: p}, conditions: ['[STATUS] == 0']}
  - {name: grpc, url: "grpcs://g:443", conditions: ['[BODY].status == SERVING']}
  - {name: ws, url: "wss://echo/", body: status, conditions: ['[CONNECTED] == true']}
  - {name: mail, url: "starttls://smtp:587", conditions: ['[CERTIFICATE_EXPIRATION] > 48h']}
  - {name: ldap, url: "tls://ldap:636", conditions: ['[CONNECTED] == true']}
  - {name: s, url: "sctp://127.0.0.1:38412", conditions: ['[CONNECTED] == true']}
  - {name: whois, url: "https://example.org", conditions: ['[DOMAIN_EXPIRATION] > 720h']}
  - {name: redis, url: "tcp://h:6379", body: "PING\r\n", conditions: ['[BODY] == pat(*PONG*)']}
)",
                       [](core::check_settings& s) { s.retries = 3; });
  ASSERT_EQ(c.targets.size(), 11u);
  // icmp:// and tls:// are checked now (gatus_config.icmp_and_tls_endpoints_are_real_targets).
  EXPECT_EQ(std::get<core::icmp_spec>(c.targets[0].spec).at.host, "example.org");
  EXPECT_EQ(std::get<core::icmp_spec>(c.targets[1].spec).at.host, "::1");
  EXPECT_EQ(unsupported_of(c.targets[2]).at.port, 53);
  EXPECT_EQ(unsupported_of(c.targets[3]).scheme, "ssh");
  // grpc:// too (gatus_config.grpc_endpoints_are_judged_by_their_conditions).
  EXPECT_TRUE(std::get<core::grpc_spec>(c.targets[4].spec).tls);
  EXPECT_EQ(unsupported_of(c.targets[5]).scheme, "wss");
  EXPECT_EQ(unsupported_of(c.targets[6]).scheme, "starttls");
  EXPECT_EQ(std::get<core::tls_spec>(c.targets[7].spec).at.port, 636);
  EXPECT_EQ(unsupported_of(c.targets[8]).scheme, "sctp");
  EXPECT_EQ(unsupported_of(c.targets[9]).scheme, "https");
  EXPECT_THAT(unsupported_of(c.targets[9]).why, HasSubstr("[DOMAIN_EXPIRATION] conditions are"));
  EXPECT_THAT(unsupported_of(c.targets[10]).why, HasSubstr("tcp:// conditions on [BODY]"));
  for (const auto& t : c.targets) {
    const bool checked = !std::holds_alternative<core::unsupported_spec>(t.spec);
    EXPECT_EQ(t.settings.retries, checked ? 3 : 0) << t.name;
  }
  EXPECT_THAT(c.notices,
              ElementsAre("gatus.yaml: reported as errors, fleetcheck cannot check them yet: udp "
                          "(udp://), ssh (ssh://), ws (wss://), mail "
                          "(starttls://), s (sctp://), whois ([DOMAIN_EXPIRATION]), "
                          "redis (tcp:// [BODY])"));
  // A scheme Gatus does not know either is still an error.
  EXPECT_THAT(error_of("endpoints:\n  - {name: f, url: 'ftp://h/', conditions: ['[STATUS] == "
                       "200']}\n"),
              HasSubstr("gatus.yaml:2: endpoint 'f': unknown endpoint type: URL 'ftp://h/'"));
}

TEST(gatus_config, tcp_body_is_sent_and_http_only_keys_are_noted) {
  const auto c = parse(R"(endpoints:
  - name: redis
    url: tcp://127.0.0.1:6379
    body: "PING\r\n"
    headers: {X-Ignored: "yes"}
    conditions: ['[CONNECTED] == true']
)");
  EXPECT_TRUE(std::holds_alternative<core::tcp_spec>(c.targets[0].spec));
  EXPECT_EQ(c.targets[0].settings.stream.send, "PING\r\n");
  EXPECT_THAT(c.targets[0].settings.http.request.headers, IsEmpty());
  EXPECT_THAT(c.notices,
              ElementsAre(HasSubstr("keys Gatus also ignores on tcp:// and tls:// endpoints: "
                                    "headers (1 endpoint)")));
}

TEST(gatus_config, graphql_and_body_placeholders_are_gatus_s) {
  const auto c = parse(R"(endpoints:
  - name: users
    group: api
    url: http://h/graphql
    method: POST
    graphql: true
    body: |
      { users(name: "[ENDPOINT_NAME]", group: "[ENDPOINT_GROUP]") { id } }
    conditions: ['[STATUS] == 200']
  - name: echo
    url: http://h/echo
    body: "[ENDPOINT_URL] [RANDOM_STRING_12]!"
    conditions: ['[STATUS] == 200']
)");
  const auto& gql = c.targets[0].settings.http.request;
  EXPECT_EQ(gql.body, R"({"query":"{ users(name: \"users\", group: \"api\") { id } }\n"})");
  EXPECT_THAT(gql.headers,
              ElementsAre(std::pair<std::string, std::string>{"Content-Type", "application/json"}));
  const auto& echo = c.targets[1].settings.http.request.body;
  ASSERT_EQ(echo.size(), std::string("http://h/echo ").size() + 12 + 1);
  EXPECT_EQ(echo.substr(0, 14), "http://h/echo ");
  EXPECT_EQ(echo.back(), '!');
}

TEST(gatus_config, yaml_anchors_and_merge_keys_work_as_in_gatus) {
  const auto c = parse(R"(default-endpoint: &defaults
  group: core
  client: {timeout: 30s}
  headers: &common {X-Probe: gatus}
  conditions: ['[STATUS] == 200']
endpoints:
  - name: one
    <<: *defaults
    url: http://a/
  - name: two
    <<: *defaults
    group: edge
    url: http://b/
    headers: {<<: *common, X-Extra: "1"}
)");
  ASSERT_EQ(c.targets.size(), 2u);
  EXPECT_EQ(c.targets[0].name, "core/one");
  EXPECT_EQ(c.targets[0].settings.timeout, 30s);
  EXPECT_EQ(c.targets[1].name, "edge/two");
  EXPECT_EQ(c.targets[1].settings.http.request.headers.size(), 2u);
  // A key that holds no anchor in use is what it looks like: a typo.
  EXPECT_THAT(error_of("defaults-endpoint: {group: core}\nendpoints:\n  - {name: a, url: "
                       "http://a/, conditions: ['[STATUS] == 200']}\n"),
              HasSubstr("gatus.yaml:1: unknown key 'defaults-endpoint'"));
}

TEST(gatus_config, ui_hide_url_keeps_the_url_out_of_reports) {
  const auto c = parse(R"(endpoints:
  - name: a
    url: "http://h/health?token=abc123"
    ui: {hide-url: true}
    conditions: ['[STATUS] == 200']
)");
  EXPECT_EQ(c.targets[0].url, "****");
  EXPECT_EQ(http_of(c.targets[0]).path, "/health?token=abc123");  // still checked as it is
}

TEST(gatus_config, a_file_with_both_targets_and_endpoints_is_rejected) {
  EXPECT_THAT(error_of("targets:\n  - url: http://a/\nendpoints:\n  - {name: a, url: http://a/, "
                       "conditions: ['[STATUS] == 200']}\n"),
              HasSubstr("gatus.yaml:1: this file has both 'targets' (a fleetcheck fleet) and "
                        "'endpoints' (a Gatus config): a file is one or the other"));
}

TEST(gatus_config, gatus_requires_conditions_and_a_url) {
  EXPECT_THAT(error_of("endpoints:\n  - {name: a, url: http://a/}\n"),
              HasSubstr("endpoint 'a': no conditions: Gatus requires at least one"));
  EXPECT_THAT(error_of("endpoints:\n  - {name: a, conditions: ['[STATUS] == 200']}\n"),
              HasSubstr("endpoint 'a': missing 'url'"));
  EXPECT_THAT(error_of("endpoints:\n  - name: a\n    url: http://a/\n    conditions:\n"
                       "      - '[STATUS] == abc'\n"),
              HasSubstr("gatus.yaml:5: endpoint 'a':"));
}

TEST(gatus_config, suites_are_listed_and_a_gatus_file_without_endpoints_says_so) {
  const auto c = parse(R"(suites:
  - {name: login-flow, group: auth, endpoints: []}
endpoints:
  - {name: a, url: http://a/, conditions: ['[STATUS] == 200']}
)");
  EXPECT_THAT(c.notices, ElementsAre("gatus.yaml: not run, suites (fleetcheck has no multi-step "
                                     "checks yet): auth/login-flow"));
  EXPECT_THAT(error_of("suites:\n  - {name: s, endpoints: []}\n"),
              HasSubstr("no endpoints: nothing to check (fleetcheck does not run Gatus suites)"));
  EXPECT_THAT(error_of("metrics: true\nui: {title: x}\n"),
              HasSubstr("gatus.yaml:1: 'metrics' is a Gatus key, but this file has no "
                        "'endpoints:'"));
}

TEST(gatus_config, icmp_and_tls_endpoints_are_real_targets) {
  const auto c = parse(R"(endpoints:
  - name: ping
    url: "icmp://10.0.0.1"
    client: {timeout: 3s}
    conditions: ['[CONNECTED] == true', '[RESPONSE_TIME] < 100']
  - name: ldaps
    url: "tls://ldap.internal:636"
    body: "hello\n"
    client:
      insecure: true
      tls: {certificate-file: /dev/null, private-key-file: /dev/null}
    conditions: ['[CONNECTED] == true', '[CERTIFICATE_EXPIRATION] > 48h']
  - {name: tls-body, url: "tls://h:443", body: "x", conditions: ['[BODY] == y']}
)");
  ASSERT_EQ(c.targets.size(), 3u);
  const auto& ping = c.targets[0];
  EXPECT_EQ(std::get<core::icmp_spec>(ping.spec).at.host, "10.0.0.1");
  EXPECT_EQ(ping.url, "icmp://10.0.0.1");
  EXPECT_EQ(ping.settings.timeout, 3s);
  EXPECT_FALSE(ping.uses_tls());
  const auto& ldaps = c.targets[1];
  EXPECT_EQ(std::get<core::tls_spec>(ldaps.spec).at.port, 636);
  EXPECT_TRUE(ldaps.uses_tls());  // its TLS context is built up front, as for https://
  EXPECT_TRUE(ldaps.settings.tls.insecure_skip_verify);
  EXPECT_EQ(ldaps.settings.tls.cert_file, "/dev/null");
  EXPECT_EQ(ldaps.settings.stream.send, "hello\n");  // Gatus sends a tls:// body as it is
  EXPECT_THAT(unsupported_of(c.targets[2]).why, HasSubstr("tls:// conditions on [BODY]"));
  EXPECT_THAT(c.notices, ElementsAre(HasSubstr("tls-body (tls:// [BODY])")));
}

TEST(gatus_config, a_dns_block_is_a_dns_check_of_that_server) {
  const auto c = parse(R"(endpoints:
  - name: dns
    url: "8.8.8.8"
    dns: {query-name: example.com., query-type: mx}
    conditions: ['[DNS_RCODE] == NOERROR']
  - name: dns-port
    url: "127.0.0.1:5353"
    dns: {query-name: example.com, query-type: A}
    conditions: ['[BODY] == 10.0.0.1']
)");
  ASSERT_EQ(c.targets.size(), 2u);
  const auto& a = std::get<core::dns_spec>(c.targets[0].spec);
  EXPECT_EQ(a.at.host, "8.8.8.8");
  EXPECT_EQ(a.at.port, 53) << "Gatus adds :53";
  EXPECT_EQ(a.name, "example.com") << "the root's dot is implied";
  EXPECT_EQ(a.type, "MX");
  EXPECT_EQ(c.targets[0].url, "dns://8.8.8.8/example.com.?type=mx");
  const auto& b = std::get<core::dns_spec>(c.targets[1].spec);
  EXPECT_EQ(b.at.port, 5353);
  EXPECT_TRUE(c.notices.empty());
  EXPECT_THAT(error_of("endpoints:\n  - {name: d, url: '8.8.8.8', dns: {query-name: x}, "
                       "conditions: ['[DNS_RCODE] == NOERROR']}\n"),
              HasSubstr("needs both 'query-name' and 'query-type'"));
  EXPECT_THAT(error_of("endpoints:\n  - {name: d, url: '8.8.8.8', dns: {query-name: x, "
                       "query-type: CAA}, conditions: ['[DNS_RCODE] == NOERROR']}\n"),
              HasSubstr("unsupported DNS query type 'CAA'"));
}
