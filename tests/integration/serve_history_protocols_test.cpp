// `fleetcheck serve --data-dir`: what gRPC, TLS, DNS and ICMP checks saw survives a restart and is
// served by /api/v1/targets/{name}/history, read back from the SQLite store (not from memory).
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_server.hpp"
#include "mock_fixture.hpp"
#include "serve_process.hpp"
#include "test_certs.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using nlohmann::json;
using test_support::eventually;
using test_support::serve_process;

namespace {

bool can_ping() {
  for (const int type : {SOCK_DGRAM, SOCK_RAW}) {
    const int fd = ::socket(AF_INET, type, IPPROTO_ICMP);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
  }
  return false;
}

json get_json(const serve_process& p, const std::string& target) {
  return json::parse(test_support::http_get(p.port(), target).body, nullptr, false);
}

/// The latest stored result of `name` as the history API serves it (null when none yet).
json last_stored(const serve_process& p, const std::string& name) {
  const auto h = get_json(p, "/api/v1/targets/" + name + "/history?since=1h");
  if (!h.is_object() || !h["results"].is_array() || h["results"].empty()) return nullptr;
  return h["results"].back()["result"];
}

}  // namespace

TEST(serve_history, keeps_the_grpc_tls_dns_and_icmp_facts_across_a_restart) {
  const auto dir =
      ::testing::TempDir() + "fleetcheck-history-protocols-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  test_support::test_pki pki(dir + "/pki");
  const auto cert = pki.issue("grpc", {"127.0.0.1"});
  auto o = test_support::quick_mock(1, 1ms);
  o.protocol = mock::protocol::grpc;
  o = test_support::with_tls(o, cert.cert, cert.key);
  mock::mock_fleet grpcs(o);
  grpcs.start();

  // dnsmasq answering one name from its configuration, when installed.
  std::unique_ptr<test_support::child_server> dnsmasq;
  unsigned short dns_port = 0;
  if (const auto program = test_support::find_program("dnsmasq"); !program.empty()) {
    std::ofstream(dir + "/dnsmasq.conf") << "address=/api.test/10.0.0.7\n";
    dns_port = test_support::free_port();
    dnsmasq = std::make_unique<test_support::child_server>(
        std::vector<std::string>{program, "--no-daemon", "--keep-in-foreground", "--port",
                                 std::to_string(dns_port), "--listen-address", "127.0.0.1",
                                 "--bind-interfaces", "--no-resolv", "--no-hosts",
                                 "--conf-file=" + dir + "/dnsmasq.conf"},
        dir + "/dnsmasq.out");
    if (!dnsmasq->wait_for_port(dns_port, 5.0)) dnsmasq.reset();
  }
  const bool icmp = can_ping();

  std::string yaml = "defaults:\n  interval: 200ms\n  timeout: 2s\ntargets:\n";
  yaml += "  - name: grpcs\n    url: " + grpcs.url(0) +
          "\n    tls:\n      ca_file: " + pki.ca_file() + "\n";
  yaml += "  - name: grpc-down\n    url: " + grpcs.url(0) +
          "/not-serving\n    tls:\n"
          "      ca_file: " +
          pki.ca_file() + "\n";
  if (dnsmasq) {
    yaml += "  - name: dns\n    url: dns://127.0.0.1:" + std::to_string(dns_port) + "/api.test\n";
  }
  if (icmp) yaml += "  - name: ping\n    url: icmp://127.0.0.1\n";
  const auto config = dir + "/fleet.yaml";
  std::ofstream(config) << yaml;
  const auto data_dir = dir + "/data";

  {
    serve_process p({"-c", config, "--data-dir", data_dir}, false);
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const auto stored = [&](const std::string& name) { return !last_stored(p, name).is_null(); };
    ASSERT_TRUE(eventually([&] {
      return stored("grpcs") && stored("grpc-down") && (!dnsmasq || stored("dns")) &&
             (!icmp || stored("ping"));
    })) << p.log();
    p.signal(SIGKILL);  // what reaches the store reaches it without a clean shutdown
    p.wait_exit(5s);
  }
  // A new process with a configuration that never checks again: all it serves is stored.
  std::ofstream(config) << [&] {
    auto slow = yaml;
    slow.replace(slow.find("200ms"), 5, "1h");
    return slow;
  }();
  serve_process again({"-c", config, "--data-dir", data_dir}, false);
  ASSERT_TRUE(again.wait_ready()) << again.log();

  const auto g = last_stored(again, "grpcs");
  ASSERT_TRUE(g.is_object()) << again.log();
  EXPECT_EQ(g["grpc_status_code"], 0) << g.dump();
  EXPECT_EQ(g["grpc_serving_status"], "SERVING") << g.dump();
  EXPECT_EQ(g["grpc_ssl"], true) << g.dump();
  EXPECT_EQ(g["tls_version"], "TLS 1.3") << g.dump();
  EXPECT_TRUE(g["cert_expires_at"].is_string()) << g.dump();
  const auto down = last_stored(again, "grpc-down");
  ASSERT_TRUE(down.is_object());
  EXPECT_EQ(down["grpc_serving_status"], "NOT_SERVING") << down.dump();
  EXPECT_EQ(down["grpc_status_code"], 0) << down.dump();
  // The restored last result carries the facts too.
  EXPECT_EQ(get_json(again, "/api/v1/targets/grpcs")["last"]["grpc_serving_status"], "SERVING");

  if (dnsmasq) {
    const auto d = last_stored(again, "dns");
    ASSERT_TRUE(d.is_object());
    EXPECT_EQ(d["dns"]["rcode"], "NOERROR") << d.dump();
    EXPECT_EQ(d["dns"]["answer_rrs"], 1) << d.dump();
    EXPECT_EQ(d["dns"]["answers"], json::array({"10.0.0.7"})) << d.dump();
  }
  if (icmp) {
    const auto i = last_stored(again, "ping");
    ASSERT_TRUE(i.is_object());
    EXPECT_TRUE(i["icmp"]["rtt_seconds"].is_number()) << i.dump();
    EXPECT_GT(i["icmp"]["rtt_seconds"].get<double>(), 0) << i.dump();
  }
  std::filesystem::remove_all(dir);
  if (!dnsmasq || !icmp) {
    GTEST_SKIP() << "checked without" << (dnsmasq ? "" : " dns (dnsmasq is not installed)")
                 << (icmp ? "" : " icmp (no ICMP socket allowed here)");
  }
}
