// A Gatus configuration checked by the real binary against the mock fleet: groups, redirects
// followed as Gatus follows them, Gatus conditions, an endpoint fleetcheck cannot check yet, and
// the notes on stderr.
#include <unistd.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mock_fixture.hpp"
#include "run_process.hpp"

using namespace fleetcheck;
using test_support::run_process;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

class gatus_config : public ::testing::Test {
 protected:
  void SetUp() override { fleet_.start(); }

  /// Writes `yaml` with {url0} and {url1} standing for the mock's services, and returns its path.
  std::string write_config(std::string yaml) {
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"{url0}", fleet_.url(0)},
                                     {"{url1}", fleet_.url(1)}}) {
      for (auto at = yaml.find(key); at != std::string::npos; at = yaml.find(key)) {
        yaml.replace(at, key.size(), value);
      }
    }
    const auto path = ::testing::TempDir() + std::to_string(::getpid()) + "-gatus.yaml";
    std::ofstream(path) << yaml;
    return path;
  }

  static test_support::process_output fleetcheck_cli(std::vector<std::string> args) {
    args.insert(args.begin(), FLEETCHECK_BIN);
    return run_process(args, "", {"NO_COLOR=1", "FC_GATUS_TEAM=sre"});
  }

  mock::mock_fleet fleet_{test_support::quick_mock(2)};
};

// As Gatus would write it: alerting, groups sharing a name, $VAR, redirects left to the default.
constexpr const char* gatus_yaml = R"(alerting:
  slack:
    webhook-url: "https://hooks.slack.com/services/x"
endpoints:
  - name: api
    group: core
    url: "{url0}"
    headers:
      X-Team: $FC_GATUS_TEAM
    conditions:
      - "[STATUS] == 200"
      - "[BODY].status == ok"
      - "[RESPONSE_TIME] < 5000"
    alerts:
      - type: slack
  - name: api
    group: edge
    url: "{url1}?redirect={url0}"
    conditions:
      - "[STATUS] == 200"
  - name: no-follow
    url: "{url1}?redirect={url0}"
    client:
      ignore-redirect: true
    conditions:
      - "[STATUS] == 302"
  - name: down
    url: "{url1}?status=503"
    conditions:
      - "[STATUS] == 200"
      - "[BODY].status == ok"
  - name: syslog
    url: "udp://127.0.0.1:514"
    conditions:
      - "[CONNECTED] == true"
  - name: retired
    enabled: false
    url: "{url0}"
    conditions:
      - "[STATUS] == 200"
)";

}  // namespace

TEST_F(gatus_config, check_reads_a_gatus_file_and_reports_every_endpoint) {
  const auto path = write_config(gatus_yaml);
  const auto r = fleetcheck_cli({"check", "-c", path, "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // `down` and `syslog` fail
  const auto doc = nlohmann::json::parse(r.out);
  const auto& rows = doc["results"];
  ASSERT_EQ(rows.size(), 5u) << r.out;
  const auto row = [&](const std::string& name) {
    for (const auto& result : rows) {
      if (result["name"] == name) return result;
    }
    ADD_FAILURE() << "no row " << name;
    return nlohmann::json{};
  };
  EXPECT_EQ(row("core/api")["outcome"], "healthy") << row("core/api");
  EXPECT_EQ(row("core/api")["group"], "core");
  EXPECT_EQ(row("edge/api")["outcome"], "healthy") << row("edge/api");
  EXPECT_EQ(row("edge/api")["redirects"], 1);  // Gatus follows redirects unless told not to
  EXPECT_EQ(row("edge/api")["group"], "edge");
  EXPECT_EQ(row("no-follow")["outcome"], "healthy") << row("no-follow");
  EXPECT_EQ(row("no-follow")["http_status"], 302);
  EXPECT_EQ(row("down")["outcome"], "unhealthy");
  EXPECT_EQ(row("down")["failure"], "condition_failed");
  EXPECT_EQ(row("down")["failed_conditions"].size(), 2u);
  EXPECT_EQ(row("syslog")["outcome"], "error");
  EXPECT_EQ(row("syslog")["failure"], "unsupported_protocol");
  EXPECT_EQ(row("syslog")["error"], "udp:// checks are not supported yet");
  EXPECT_EQ(row("syslog")["attempts"], 1);
  EXPECT_EQ(doc["summary"]["total"], 5);

  EXPECT_THAT(r.err, HasSubstr("fleetcheck: note: " + path +
                               ": ignored (Gatus dashboard/alerting settings fleetcheck does not "
                               "use): alerting; endpoint keys: alerts (1 endpoint)\n"));
  EXPECT_THAT(r.err, HasSubstr("fleetcheck: note: " + path +
                               ": not checked, disabled (enabled: false): retired\n"));
  EXPECT_THAT(r.err, HasSubstr("fleetcheck: note: " + path +
                               ": reported as errors, fleetcheck cannot check them yet: syslog "
                               "(udp://)\n"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << r.err;
}

TEST_F(gatus_config, flags_select_groups_and_override_gatus_defaults) {
  const auto path = write_config(gatus_yaml);
  const auto r = fleetcheck_cli(
      {"check", "-c", path, "--group", "edge", "--follow-redirects", "0", "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["results"].size(), 1u);
  EXPECT_EQ(doc["results"][0]["name"], "edge/api");
  EXPECT_EQ(doc["results"][0]["http_status"], 302);  // the flag wins over Gatus's default
}

TEST_F(gatus_config, validate_shows_the_effective_targets_and_the_notes) {
  const auto path = write_config(gatus_yaml);
  const auto r = fleetcheck_cli({"validate", "-c", path, "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& targets = doc["targets"];
  ASSERT_EQ(targets.size(), 5u);
  EXPECT_EQ(targets[0]["name"], "core/api");
  EXPECT_EQ(targets[0]["group"], "core");
  EXPECT_EQ(targets[0]["timeout_seconds"], 10.0);
  EXPECT_EQ(targets[0]["http"]["follow_redirects"], 10);
  EXPECT_EQ(targets[0]["http"]["headers"]["X-Team"], "sre");
  EXPECT_EQ(targets[2]["http"]["follow_redirects"], 0);
  EXPECT_EQ(targets[4]["protocol"], "udp");
  EXPECT_EQ(targets[4]["unsupported"], "udp:// checks are not supported yet");
  EXPECT_THAT(r.err, HasSubstr("fleetcheck: note: " + path + ": ignored"));
  EXPECT_THAT(r.err, HasSubstr("cannot check them yet: syslog (udp://)"));

  const auto table = fleetcheck_cli({"validate", "-c", path});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("5 targets valid"));
}

TEST_F(gatus_config, bad_input_is_one_line_without_notes) {
  const auto path = write_config(std::string(gatus_yaml) + "    client: {timout: 1s}\n");
  const auto r = fleetcheck_cli({"check", "-c", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("endpoint 'retired': client: unknown key 'timout' (did you mean "
                               "'timeout'?)"));
  EXPECT_THAT(r.err, Not(HasSubstr("note:")));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}
