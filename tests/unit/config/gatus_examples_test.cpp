// Gatus's own example configurations (.examples/) and the README's endpoint snippets, copied
// under tests/data/gatus/ with the commit they come from (see docs/gatus.md): each loads as it is.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../report/test_support.hpp"
#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/core/config_error.hpp"

using namespace fleetcheck;
using ::testing::HasSubstr;

namespace {

/// One file: the endpoints Gatus would monitor, and how many of them fleetcheck reports as not
/// checkable yet.
struct gatus_example {
  const char* file;
  std::size_t targets;
  std::size_t unsupported;
};

class gatus_examples : public ::testing::TestWithParam<gatus_example> {};

/// A readable file (the loader only checks that certificate files can be read).
std::string temp_file(const std::string& name) {
  const auto path = ::testing::TempDir() + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << "placeholder\n";
  return path;
}

}  // namespace

TEST_P(gatus_examples, load_unchanged) {
  const auto& example = GetParam();
  const auto path = testkit::source_file(std::string("tests/data/gatus/") + example.file);
  auto text = testkit::read_file(path);
  ASSERT_FALSE(text.empty()) << path;
  // The mTLS examples name certificate files that exist only in their containers.
  const auto certs = temp_file("example-certs");
  for (const std::string from : {"/certs/client.crt", "/certs/client.key", "/path/to/user_cert.pem",
                                 "/path/to/user_key.pem"}) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from)) {
      text.replace(at, from.size(), certs);
    }
  }
  config::fleet_config c;
  ASSERT_NO_THROW(c = config::parse_config(text, example.file)) << example.file;
  EXPECT_EQ(c.targets.size(), example.targets);
  const auto unsupported = std::count_if(c.targets.begin(), c.targets.end(), [](const auto& t) {
    return std::holds_alternative<core::unsupported_spec>(t.spec);
  });
  EXPECT_EQ(static_cast<std::size_t>(unsupported), example.unsupported);
}

INSTANTIATE_TEST_SUITE_P(
    gatus, gatus_examples,
    ::testing::Values(
        gatus_example{"example-docker-compose.yaml", 1, 0},
        gatus_example{"example-docker-minimal.yaml", 1, 0},
        gatus_example{"example-grafana-prometheus.yaml", 4, 1},
        gatus_example{"example-kubernetes.yaml", 4, 0},
        gatus_example{"example-mattermost.yaml", 1, 0}, gatus_example{"example-mtls.yaml", 1, 0},
        gatus_example{"example-multiple-backend.yaml", 3, 1},
        gatus_example{"example-multiple-frontend.yaml", 1, 0},
        gatus_example{"example-nixos.yaml", 1, 0},
        gatus_example{"example-postgres-storage.yaml", 5, 0},
        gatus_example{"example-sqlite-storage.yaml", 5, 0},
        gatus_example{"readme-usage.yaml", 2, 0}, gatus_example{"readme-client.yaml", 1, 0},
        gatus_example{"readme-client-dns-resolver.yaml", 1, 0},
        gatus_example{"readme-client-oauth2.yaml", 1, 0},
        gatus_example{"readme-client-iap.yaml", 1, 0},
        gatus_example{"readme-client-mtls.yaml", 1, 0},
        gatus_example{"readme-tunneling.yaml", 1, 0},
        gatus_example{"readme-alerting-slack.yaml", 1, 0},
        gatus_example{"readme-default-alert-mixed.yaml", 2, 0},
        gatus_example{"readme-custom-labels.yaml", 1, 0},
        gatus_example{"readme-graphql.yaml", 1, 0}, gatus_example{"readme-groups.yaml", 5, 0},
        gatus_example{"readme-anchors.yaml", 3, 0}, gatus_example{"readme-proxy.yaml", 1, 0},
        gatus_example{"readme-tcp.yaml", 1, 0}, gatus_example{"readme-udp.yaml", 1, 1},
        gatus_example{"readme-sctp.yaml", 1, 1}, gatus_example{"readme-websocket.yaml", 1, 1},
        gatus_example{"readme-grpc.yaml", 1, 0}, gatus_example{"readme-icmp.yaml", 1, 0},
        gatus_example{"readme-dns.yaml", 1, 0}, gatus_example{"readme-ssh.yaml", 2, 2},
        gatus_example{"readme-starttls.yaml", 1, 1}, gatus_example{"readme-tls.yaml", 1, 0},
        gatus_example{"readme-domain-expiration.yaml", 1, 1}),
    [](const auto& param_info) {
      std::string name = param_info.param.file;
      name = name.substr(0, name.find('.'));
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

// The two that do not load, for the reasons docs/gatus.md gives.
TEST(gatus_examples_that_do_not_load, say_why) {
  const auto load = [](const char* file) {
    try {
      config::load_config_file(testkit::source_file(std::string("tests/data/gatus/") + file));
    } catch (const core::config_error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  // One file of a directory Gatus merges; it has no endpoints of its own.
  EXPECT_THAT(load("example-multiple-global.yaml"),
              HasSubstr("'metrics' is a Gatus key, but this file has no 'endpoints:'"));
  // Suites only: fleetcheck does not run Gatus's multi-step checks.
  EXPECT_THAT(load("readme-suites.yaml"),
              HasSubstr("no endpoints: nothing to check (fleetcheck does not run Gatus suites)"));
}

TEST(gatus_examples_that_do_not_load, every_file_is_in_a_test) {
  // A new file under tests/data/gatus/ must be added to the lists above.
  std::size_t files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testkit::source_file("tests/data/gatus"))) {
    files += entry.path().extension() == ".yaml" ? 1 : 0;
  }
  EXPECT_EQ(files, 36u + 2u);
}
