#include "fleetcheck/config/fleet_config.hpp"

#include <cstdlib>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/core/config_error.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

namespace {

config::fleet_config parse(const std::string& yaml) {
  return testkit::parse_as("fleet.yaml", yaml);
}

std::string error_of(const std::string& yaml) {
  return testkit::error_parsing("fleet.yaml", yaml);
}

using testkit::http_of;

}  // namespace

TEST(fleet_config, reads_targets_defaults_and_run_settings) {
  const auto c = parse(R"(
deadline: 3s
concurrency: 50
defaults:
  timeout: 750ms
  headers: {X-Team: sre}
  expect_status: [200, 204]
targets:
  - name: api
    url: http://127.0.0.1:8080/health?deep=1
  - url: http://[::1]:9000/ready
    method: post
    body: '{"ping":1}'
    timeout: 2s
    expect_status: 2xx
    max_body: 1KiB
    headers: {X-Team: web, Authorization: Bearer x}
)");
  ASSERT_EQ(c.targets.size(), 2u);
  EXPECT_EQ(*c.deadline, 3s);
  EXPECT_EQ(*c.concurrency, 50u);
  const auto& api = c.targets[0];
  EXPECT_EQ(api.name, "api");
  EXPECT_EQ(api.at().host, "127.0.0.1");
  EXPECT_EQ(api.at().port, 8080);
  EXPECT_EQ(http_of(api).path, "/health?deep=1");
  EXPECT_EQ(api.settings.timeout, 750ms);
  EXPECT_EQ(api.settings.http.expect_status.describe(), "200,204");
  EXPECT_EQ(api.origin, "fleet.yaml:9");
  ASSERT_EQ(api.settings.http.request.headers.size(), 1u);
  const auto& v6 = c.targets[1];
  EXPECT_EQ(v6.name, "http://[::1]:9000/ready");
  EXPECT_EQ(v6.at().host, "::1");
  EXPECT_EQ(v6.settings.http.request.method, "POST");
  EXPECT_EQ(v6.settings.http.request.body, R"({"ping":1})");
  EXPECT_EQ(v6.settings.timeout, 2s);
  EXPECT_EQ(v6.settings.http.max_body_bytes, 1024u);
  ASSERT_EQ(v6.settings.http.request.headers.size(), 2u);
  EXPECT_EQ(v6.settings.http.request.headers[0].second, "web");  // the target overrides the default
}

TEST(fleet_config, substitutes_environment_variables) {
  ::setenv("FLEETCHECK_TEST_PORT", "7070", 1);
  const auto c = parse("targets:\n  - url: http://127.0.0.1:${FLEETCHECK_TEST_PORT}/h\n");
  EXPECT_EQ(c.targets[0].at().port, 7070);
  EXPECT_THAT(error_of("targets:\n  - url: http://h/${FLEETCHECK_SURELY_UNSET}\n"),
              HasSubstr("fleet.yaml:2: targets[0]: 'url' uses environment variable "
                        "FLEETCHECK_SURELY_UNSET which is not set"));
}

TEST(fleet_config, names_file_and_line_of_each_error) {
  EXPECT_EQ(error_of("targets: [\n"), error_of("targets: [\n"));
  EXPECT_THAT(error_of("targets: [\n"), HasSubstr("fleet.yaml:2: malformed YAML"));
  EXPECT_THAT(error_of(""), HasSubstr("fleet.yaml: the file is empty"));
  EXPECT_THAT(error_of("deadline: 5s\n"), HasSubstr("missing 'targets'"));
  EXPECT_THAT(error_of("targets: []\n"), HasSubstr("fleet.yaml:1: 'targets' is empty"));
  EXPECT_THAT(error_of("targets: x\n"), HasSubstr("'targets' must be a list"));
  EXPECT_THAT(error_of("targest: []\n"),
              HasSubstr("fleet.yaml:1: unknown key 'targest' (did you mean 'targets'?)"));
  EXPECT_THAT(
      error_of("targets:\n  - name: a\n    url: http://h/\n    timout: 1s\n"),
      HasSubstr("fleet.yaml:4: target 'a': unknown key 'timout' (did you mean 'timeout'?)"));
  EXPECT_THAT(error_of("defaults: {retry: 1}\ntargets:\n  - url: http://h/\n"),
              HasSubstr("fleet.yaml:1: defaults: unknown key 'retry'"));
  EXPECT_THAT(error_of("targets:\n  - name: a\n"),
              HasSubstr("fleet.yaml:2: target 'a': missing 'url'"));
  EXPECT_THAT(error_of("targets:\n  - url: ftp://h/\n"),
              HasSubstr("fleet.yaml:2: targets[0]: unsupported URL scheme 'ftp'"));
  EXPECT_THAT(error_of("targets:\n  - url: 'http://'\n"), HasSubstr("fleet.yaml:2: targets[0]:"));
  EXPECT_THAT(error_of("targets:\n  - url: not a url\n"), HasSubstr("invalid URL 'not a url'"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h/\n    timeout: 5\n"),
              HasSubstr("fleet.yaml:3: targets[0]: 'timeout': invalid duration '5'"));
  EXPECT_THAT(error_of("deadline: soon\ntargets:\n  - url: http://h/\n"),
              HasSubstr("fleet.yaml:1: 'deadline': invalid duration 'soon'"));
  EXPECT_THAT(error_of("concurrency: 0\ntargets:\n  - url: http://h/\n"),
              HasSubstr("fleet.yaml:1: 'concurrency' must be a whole number from 1 to 1000000"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h/\n    expect_status: [200, 7xx]\n"),
              HasSubstr("fleet.yaml:3: targets[0]: 'expect_status': invalid status '7xx'"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h/\n    max_body: lots\n"),
              HasSubstr("'max_body': invalid size 'lots'"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h/\n    method: 'GE T'\n"),
              HasSubstr("invalid method 'GE T'"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h/\n    headers: [a]\n"),
              HasSubstr("'headers' must be a mapping"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h:99999/\n"), HasSubstr("invalid port"));
  EXPECT_THAT(error_of("targets:\n  - just-a-string\n"),
              HasSubstr("fleet.yaml:2: targets[0]: expected a mapping"));
}

TEST(fleet_config, credentials_in_urls_become_basic_auth_and_leave_the_url) {
  const auto c = parse("targets:\n  - url: https://user:pw@h.example:8443/x\n");
  const auto& t = c.targets[0];
  EXPECT_EQ(t.url, "https://h.example:8443/x");
  EXPECT_TRUE(t.uses_tls());
  ASSERT_EQ(t.settings.http.request.headers.size(), 1u);
  EXPECT_EQ(t.settings.http.request.headers[0].second, "Basic dXNlcjpwdw==");
  EXPECT_THAT(t.settings.secrets, ::testing::Contains("pw"));
}

TEST(fleet_config, tcp_targets_take_send_and_expect_but_no_http_keys) {
  const auto c =
      parse("targets:\n  - url: tcp://db:5432\n    send: 'PING\\r\\n'\n    expect: PONG\n");
  EXPECT_TRUE(std::holds_alternative<core::tcp_spec>(c.targets[0].spec));
  EXPECT_EQ(c.targets[0].settings.stream.send, "PING\r\n");
  EXPECT_THAT(error_of("targets:\n  - url: tcp://db:5432\n    method: GET\n"),
              HasSubstr("fleet.yaml:3: targets[0]: 'method' does not apply to tcp:// targets"));
  EXPECT_THAT(error_of("targets:\n  - url: http://db/\n    expect: x\n"),
              HasSubstr("'expect' does not apply to http:// and https:// targets"));
  EXPECT_THAT(error_of("targets:\n  - url: tcp://db\n"), HasSubstr("needs a port"));
}

TEST(fleet_config, reuse_connection_is_an_http_and_grpc_key_off_by_default) {
  const auto c = parse(
      "defaults:\n  reuse_connection: true\ntargets:\n  - url: http://a/\n  - url: https://b/\n"
      "    reuse_connection: false\n  - url: tcp://db:5432\n  - url: http://c/\n");
  EXPECT_TRUE(c.targets[0].settings.http.reuse_connection);
  EXPECT_FALSE(c.targets[1].settings.http.reuse_connection);
  EXPECT_FALSE(parse("targets:\n  - url: http://a/\n").targets[0].settings.http.reuse_connection);
  EXPECT_THAT(error_of("targets:\n  - url: http://a/\n    reuse_connection: maybe\n"),
              HasSubstr("fleet.yaml:3: targets[0]"));
  const auto g = parse(
      "targets:\n  - url: grpc://db:50051\n    reuse_connection: true\n  - url: grpcs://db:443\n");
  EXPECT_TRUE(g.targets[0].settings.http.reuse_connection);
  EXPECT_FALSE(g.targets[1].settings.http.reuse_connection);
  for (const auto* url :
       {"tcp://db:5432", "tls://db:636", "dns://127.0.0.1:53/a.example", "icmp://127.0.0.1"}) {
    EXPECT_THAT(error_of(fmt::format("targets:\n  - url: {}\n    reuse_connection: true\n", url)),
                HasSubstr("fleet.yaml:3: targets[0]: 'reuse_connection' does not apply to"))
        << url;
  }
  EXPECT_THAT(error_of("targets:\n  - url: tcp://db:5432\n    reuse_connection: true\n"),
              HasSubstr("a tcp:// check opens a fresh one every round"));
}

TEST(fleet_config, grpc_targets_name_their_service_and_take_metadata_and_tls) {
  const auto c = parse(
      "targets:\n  - url: grpcs://api:8443/my.pkg.Orders\n    headers: {X-Api-Key: k}\n"
      "    tls: {server_name: api.internal}\n  - url: grpc://[::1]:50051\n");
  const auto& spec = std::get<core::grpc_spec>(c.targets[0].spec);
  EXPECT_EQ(spec.service, "my.pkg.Orders");
  EXPECT_TRUE(spec.tls);
  EXPECT_TRUE(c.targets[0].uses_tls());
  EXPECT_EQ(c.targets[0].settings.tls.server_name, "api.internal");
  ASSERT_EQ(c.targets[0].settings.http.request.headers.size(), 1u);
  const auto& plain = std::get<core::grpc_spec>(c.targets[1].spec);
  EXPECT_EQ(plain.at.host, "::1");
  EXPECT_EQ(plain.service, "");
  EXPECT_FALSE(c.targets[1].uses_tls());
  EXPECT_THAT(error_of("targets:\n  - url: grpc://h:1\n    method: GET\n"),
              HasSubstr("'method' does not apply to grpc:// and grpcs:// targets"));
  EXPECT_THAT(error_of("targets:\n  - url: grpc://h:1\n    expect_status: 200\n"),
              HasSubstr("'expect_status' does not apply to grpc:// and grpcs:// targets"));
  EXPECT_THAT(error_of("targets:\n  - url: grpc://h\n"), HasSubstr("needs a port"));
  EXPECT_THAT(error_of("targets:\n  - url: grpc://h:1/a/b\n"), HasSubstr("one service name"));
  EXPECT_THAT(error_of("targets:\n  - url: grpc://h:1/?x=1\n"),
              HasSubstr("no credentials or query"));
}

TEST(fleet_config, checks_tls_retries_redirects_and_auth_keys) {
  EXPECT_THAT(error_of("targets:\n  - url: https://h/\n    tls: {ca_file: /nonexistent.pem}\n"),
              HasSubstr("fleet.yaml:3: targets[0]: 'ca_file': cannot read '/nonexistent.pem'"));
  EXPECT_THAT(error_of("targets:\n  - url: https://h/\n    tls: {insecure_skip_verify: maybe}\n"),
              HasSubstr("'insecure_skip_verify' must be true or false"));
  EXPECT_THAT(error_of("targets:\n  - url: https://h/\n    tls: {verify: false}\n"),
              HasSubstr("unknown key 'verify'"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h/\n    retries: -1\n"),
              HasSubstr("'retries' must be a whole number from 0 to 10"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h/\n    follow_redirects: many\n"),
              HasSubstr("'follow_redirects' must be a whole number from 0 to 20"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h/\n    basic_auth: {password: x}\n"),
              HasSubstr("basic_auth needs a username"));
  EXPECT_THAT(error_of("targets:\n  - url: http://h/\n    conditions: '[STATUS] == 200'\n"),
              HasSubstr("'conditions' must be a list"));
  const auto c = parse(
      "defaults: {retries: 2, follow_redirects: 3, bearer_token: abc}\n"
      "targets:\n  - url: http://h/\n    conditions: ['[STATUS] == 200']\n");
  EXPECT_EQ(c.targets[0].settings.retries, 2);
  EXPECT_EQ(c.targets[0].settings.http.follow_redirects, 3);
  EXPECT_EQ(c.targets[0].settings.conditions.size(), 1u);
  EXPECT_EQ(c.targets[0].settings.http.request.headers[0].second, "Bearer abc");
  EXPECT_THAT(c.targets[0].settings.secrets, ::testing::Contains("abc"));
}

TEST(fleet_config, odd_yaml_structures_are_errors_not_crashes) {
  EXPECT_THAT(error_of("targets:\n  - {[a]: b}\n"), HasSubstr("fleet.yaml:2"));
  EXPECT_THAT(error_of("? [a, b]\n: c\n"), HasSubstr("fleet.yaml:1"));
  EXPECT_THAT(error_of("targets:\n  - url: [a]\n"), HasSubstr("'url' must be a single value"));
}

TEST(fleet_config, rejects_duplicate_names_naming_both_places) {
  EXPECT_THAT(
      error_of("targets:\n  - name: a\n    url: http://h/1\n  - name: a\n    url: http://h/2\n"),
      HasSubstr("fleet.yaml:4: duplicate target name 'a' (first defined at fleet.yaml:2)"));
}

TEST(fleet_config, missing_file_is_a_config_error_naming_it) {
  try {
    config::load_config_file("/nonexistent/fleet.yaml", {});
    FAIL();
  } catch (const core::config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/fleet.yaml: cannot read config file"));
  }
}

TEST(url_list, skips_comments_and_blank_lines_and_names_bad_lines) {
  std::istringstream good("# fleet\n\nhttp://127.0.0.1:1/a  # first\n  http://127.0.0.1:2/b\n");
  const auto targets = config::parse_url_list(good, "list.txt", {});
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[0].url, "http://127.0.0.1:1/a");
  EXPECT_EQ(targets[1].origin, "list.txt:4");
  std::istringstream bad("http://ok/\nbogus\n");
  try {
    config::parse_url_list(bad, "list.txt", {});
    FAIL();
  } catch (const core::config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("list.txt:2: invalid URL 'bogus'"));
  }
}

TEST(target_url, fills_defaults_from_the_url) {
  const auto t = config::target_from_url("http://example.test/", {});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->at().port, 80);
  EXPECT_EQ(http_of(*t).path, "/");
  const auto bare = config::target_from_url("http://example.test", {});
  EXPECT_EQ(http_of(*bare).path, "/");
  EXPECT_EQ(config::target_from_url("https://example.test", {})->at().port, 443);
  EXPECT_EQ(config::target_from_url("ftp://x/", {}).error(),
            "unsupported URL scheme 'ftp' in 'ftp://x/': use http://, https://, tcp://, tls://, "
            "icmp://, dns://, grpc:// or grpcs://");
}

TEST(target_url, reads_tls_and_icmp_urls) {
  const auto tls = config::target_from_url("tls://ldap.test:636", {});
  ASSERT_TRUE(tls) << tls.error();
  EXPECT_EQ(std::get<core::tls_spec>(tls->spec).at.host, "ldap.test");
  EXPECT_EQ(tls->at().port, 636);
  EXPECT_TRUE(tls->uses_tls());
  EXPECT_EQ(config::target_from_url("tls://h", {}).error(), "URL 'tls://h' needs a port");
  EXPECT_EQ(config::target_from_url("tls://u:p@h:1", {}).error(),
            "URL 'tls://u:p@h:1': tls:// targets take no credentials");
  for (const auto* url : {"icmp://10.0.0.1", "icmp://[::1]", "icmp://::1", "icmp://h.test/"}) {
    const auto icmp = config::target_from_url(url, {});
    ASSERT_TRUE(icmp) << url << ": " << icmp.error();
    EXPECT_TRUE(std::holds_alternative<core::icmp_spec>(icmp->spec)) << url;
    EXPECT_FALSE(icmp->uses_tls());
    EXPECT_EQ(icmp->url, url);
  }
  EXPECT_EQ(config::target_from_url("icmp://::1", {})->at().host, "::1");
  EXPECT_EQ(config::target_from_url("icmp://[::1]", {})->at().host, "::1");
  EXPECT_EQ(config::target_from_url("icmp://h:7", {}).error(),
            "URL 'icmp://h:7': icmp:// targets take no port");
  EXPECT_EQ(config::target_from_url("icmp://h/x", {}).error(),
            "URL 'icmp://h/x': icmp:// targets take no path");
}

TEST(fleet_config, tls_targets_take_tls_send_and_expect_icmp_targets_only_the_common_keys) {
  const auto c = parse(
      "targets:\n  - url: tls://db:6380\n    tls: {insecure_skip_verify: true}\n    send: "
      "'PING\\r\\n'\n    expect: PONG\n  - url: icmp://db\n    conditions: ['[CONNECTED] == "
      "true']\n");
  EXPECT_TRUE(c.targets[0].settings.tls.insecure_skip_verify);
  EXPECT_EQ(c.targets[0].settings.stream.send, "PING\r\n");
  EXPECT_EQ(c.targets[1].settings.conditions.size(), 1u);
  EXPECT_THAT(error_of("targets:\n  - url: tls://db:1\n    method: GET\n"),
              HasSubstr("'method' does not apply to tls:// targets"));
  EXPECT_THAT(error_of("targets:\n  - url: icmp://db\n    send: x\n"),
              HasSubstr("'send' does not apply to icmp:// targets"));
}

TEST(target_url, dns_urls_name_the_server_the_name_and_the_type) {
  const auto t = config::target_from_url("dns://127.0.0.1/example.com.?type=mx", {});
  ASSERT_TRUE(t) << t.error();
  const auto& spec = std::get<core::dns_spec>(t->spec);
  EXPECT_EQ(spec.at.host, "127.0.0.1");
  EXPECT_EQ(spec.at.port, 53);
  EXPECT_EQ(spec.name, "example.com");
  EXPECT_EQ(spec.type, "MX");
  const auto v6 = config::target_from_url("dns://[::1]:5353/a.test", {});
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ(std::get<core::dns_spec>(v6->spec).at.port, 5353);
  EXPECT_EQ(std::get<core::dns_spec>(v6->spec).type, "A") << "A unless asked";
  EXPECT_THAT(config::target_from_url("dns://127.0.0.1/", {}).error(),
              HasSubstr("names what to ask"));
  EXPECT_THAT(config::target_from_url("dns://127.0.0.1/a.test?type=AXFR", {}).error(),
              HasSubstr("unsupported DNS query type 'AXFR'"));
  EXPECT_THAT(config::target_from_url("dns://127.0.0.1/a.test?class=IN", {}).error(),
              HasSubstr("unknown parameter 'class'"));
}

TEST(parse_size, understands_units) {
  EXPECT_EQ(*config::parse_size("512"), 512u);
  EXPECT_EQ(*config::parse_size("64KiB"), 65536u);
  EXPECT_EQ(*config::parse_size("1MiB"), 1048576u);
  EXPECT_EQ(*config::parse_size("10kB"), 10000u);
  EXPECT_EQ(*config::parse_size("4GiB"), 4ull << 30);
  EXPECT_FALSE(config::parse_size("0"));
  EXPECT_FALSE(config::parse_size("1PB"));
  EXPECT_FALSE(config::parse_size("KiB"));
  EXPECT_FALSE(config::parse_size("99999999999GiB"));
}

TEST(fleet_config, command_line_wins_over_file_defaults_and_targets_win_over_both) {
  const config::settings_overlay flags = [](core::check_settings& s) {
    s.timeout = 300ms;
    s.retries = 1;
  };
  const auto c = config::parse_config(
      "defaults: {timeout: 2s, retries: 3, max_body: 1KiB}\n"
      "targets:\n  - url: http://h/a\n  - url: http://h/b\n    timeout: 5s\n",
      "fleet.yaml", flags);
  EXPECT_EQ(c.targets[0].settings.timeout, 300ms);  // flag over defaults
  EXPECT_EQ(c.targets[0].settings.retries, 1);
  EXPECT_EQ(c.targets[0].settings.http.max_body_bytes, 1024u);  // defaults where no flag says
  EXPECT_EQ(c.targets[1].settings.timeout, 5s);                 // the target's own key over all
}

TEST(fleet_config, keys_of_another_protocol_say_so) {
  EXPECT_THAT(error_of("targets:\n  - url: tcp://db:1\n    max_header: 1KiB\n"),
              HasSubstr("'max_header' does not apply to tcp:// targets"));
  // defaults take every protocol's keys: a tcp target ignores the HTTP ones it inherits
  const auto c = parse("defaults: {method: POST, send: x}\ntargets:\n  - url: tcp://db:1\n");
  EXPECT_EQ(c.targets[0].settings.stream.send, "x");
}

TEST(fleet_config, groups_are_read) {
  const auto c = parse("targets:\n  - url: http://h/\n    group: core\n");
  EXPECT_EQ(c.targets[0].group, "core");
}

TEST(fleet_config, a_directory_is_a_config_error) {
  try {
    config::load_config_file("/tmp");
    FAIL();
  } catch (const core::config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/tmp: is a directory"));
  }
}

TEST(fleet_config, reads_alerting_and_maintenance_with_the_fleet) {
  const auto c = parse(R"(
targets:
  - name: api
    url: http://127.0.0.1:9000/
alerting:
  - name: oncall
    type: alertmanager
    url: http://127.0.0.1:9093/api/v2/alerts
maintenance:
  start: "23:00"
  duration: 1h
)");
  ASSERT_EQ(c.targets.size(), 1u);
  ASSERT_EQ(c.alerting.channels.size(), 1u);
  EXPECT_EQ(c.alerting.channels[0].name, "oncall");
  EXPECT_EQ(c.alerting.channels[0].origin, "fleet.yaml:6");
  EXPECT_EQ(c.alerting.maintenance.size(), 1u);
  EXPECT_TRUE(parse("targets:\n  - url: http://127.0.0.1:9000/\n").alerting.channels.empty());
}

TEST(fleet_config, a_bad_alerting_block_names_its_line) {
  const auto message = error_of(R"(
targets:
  - url: http://127.0.0.1:9000/
alerting:
  - name: oncall
    type: webhook
    url: http://127.0.0.1:9/
    retries: lots
)");
  EXPECT_THAT(message, HasSubstr("fleet.yaml:8"));
  EXPECT_THAT(message, HasSubstr("retries"));
}
