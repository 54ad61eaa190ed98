// DNS over c-ares, against Debian's dnsmasq (started by the test on a loopback port of its own) and
// against a hostile responder in the test: dns:// checks of every type, TCP after a truncated UDP
// answer, and thousands of distinct host names resolved at once through --dns-server.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_server.hpp"
#include "fleetcheck/engine/fleet_run.hpp"
#include "fleetcheck/mock/mock_fleet.hpp"
#include "mock_fixture.hpp"
#include "run_process.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

constexpr int distinct_names = 2000;

/// dnsmasq answering from its own configuration only: A, TXT (one > 512 bytes, which UDP
/// truncates), MX, CNAME, SRV, an NXDOMAIN zone, and `distinct_names` names n<i>.test.
class dnsmasq : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto program = test_support::find_program("dnsmasq");
    if (program.empty()) return;
    dir_ = ::testing::TempDir() + "fleetcheck-dnsmasq-" + std::to_string(::getpid());
    std::system(("mkdir -p " + dir_).c_str());
    {
      std::ofstream conf(dir_ + "/dnsmasq.conf");
      conf << "address=/api.test/10.0.0.7\naddress=/gone.test/\n"
           << "txt-record=txt.test,\"hello world\"\n"
           << "txt-record=big.test," << std::string(250, 'a') << ',' << std::string(250, 'b') << ','
           << std::string(250, 'c') << '\n'
           << "mx-host=mail.test,mx1.mail.test,10\ncname=alias.test,api.test\n"
           << "srv-host=_http._tcp.svc.test,api.test,8080\n";
      std::ofstream hosts(dir_ + "/names.hosts");
      for (int i = 0; i < distinct_names; ++i) hosts << "127.0.0.1 n" << i << ".test\n";
    }
    port_ = test_support::free_port();
    server_ = std::make_unique<test_support::child_server>(
        std::vector<std::string>{program, "--no-daemon", "--keep-in-foreground", "--port",
                                 std::to_string(port_), "--listen-address", "127.0.0.1",
                                 "--bind-interfaces", "--no-resolv", "--no-hosts",
                                 "--conf-file=" + dir_ + "/dnsmasq.conf",
                                 "--addn-hosts=" + dir_ + "/names.hosts", "--cache-size=10000"},
        dir_ + "/dnsmasq.out");
    up_ = server_->wait_for_port(port_, 5.0);  // it listens on TCP once UDP is bound too
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    if (server_ == nullptr)
      GTEST_SKIP() << "dnsmasq is not installed (scripts/bootstrap installs dnsmasq-base)";
    if (!up_) GTEST_SKIP() << "dnsmasq did not start; see " << dir_ << "/dnsmasq.out";
  }

  static std::string server() { return "127.0.0.1:" + std::to_string(port_); }
  static core::probe_result check(const std::string& what, core::check_settings s = {}) {
    s.timeout = 3s;
    const std::vector<core::target> targets{
        test_support::make_target("dns://" + server() + "/" + what, "t", s)};
    return engine::run_fleet(targets, {}).results.at(0);
  }

  static inline std::string dir_;
  static inline unsigned short port_ = 0;
  static inline bool up_ = false;
  static inline std::unique_ptr<test_support::child_server> server_;
};

}  // namespace

TEST_F(dnsmasq, answers_of_each_type_are_read_as_gatus_renders_them) {
  const auto a = check("api.test");
  ASSERT_EQ(a.outcome, core::outcome::healthy) << a.error;
  ASSERT_TRUE(a.dns);
  EXPECT_EQ(a.dns->rcode, "NOERROR");
  EXPECT_THAT(a.dns->answers, ElementsAre("10.0.0.7"));
  EXPECT_THAT(check("mail.test?type=MX").dns->answers, ElementsAre("mx1.mail.test."));
  EXPECT_THAT(check("txt.test?type=TXT").dns->answers, ElementsAre("hello world"));
  EXPECT_THAT(check("alias.test?type=CNAME").dns->answers, ElementsAre("api.test."));
  EXPECT_THAT(check("_http._tcp.svc.test?type=SRV").dns->answers, ElementsAre("api.test.:8080"));
}

TEST_F(dnsmasq, nxdomain_is_unhealthy_and_conditions_read_the_rcode_and_body) {
  const auto gone = check("gone.test");
  EXPECT_EQ(gone.outcome, core::outcome::unhealthy);
  EXPECT_EQ(gone.error, "NXDOMAIN");
  EXPECT_EQ(gone.dns->rcode, "NXDOMAIN");

  core::check_settings s;
  s.conditions = {conditions::condition::parse("[DNS_RCODE] == NXDOMAIN")};
  EXPECT_EQ(check("gone.test", s).outcome, core::outcome::healthy) << "the conditions decide";
  s.conditions = {conditions::condition::parse("[BODY] == 10.0.0.8")};
  const auto wrong = check("api.test", s);
  EXPECT_EQ(wrong.outcome, core::outcome::unhealthy);
  EXPECT_THAT(wrong.failed_conditions, ElementsAre("[BODY] (10.0.0.7) == 10.0.0.8"));
}

TEST_F(dnsmasq, a_truncated_udp_answer_is_asked_again_over_tcp) {
  // 750 bytes of TXT do not fit the 512 bytes of a UDP answer without EDNS: dnsmasq sets TC and
  // only the TCP answer has the records.
  const auto big = check("big.test?type=TXT");
  ASSERT_EQ(big.outcome, core::outcome::healthy) << big.error;
  ASSERT_EQ(big.dns->answers.size(), 1u);
  EXPECT_EQ(big.dns->answers[0],
            std::string(250, 'a') + std::string(250, 'b') + std::string(250, 'c'));
}

TEST_F(dnsmasq, thousands_of_distinct_names_resolve_at_once_through_the_given_server) {
  mock::mock_options o;
  o.services = 1;
  o.base_port = 0;
  o.delay = 0ms;
  o.threads = 1;
  mock::mock_fleet fleet(o);
  fleet.start();
  core::check_settings s;
  s.timeout = 20s;
  std::vector<core::target> targets;
  for (int i = 0; i < distinct_names; ++i) {
    targets.push_back(test_support::make_target(
        "http://n" + std::to_string(i) + ".test:" + std::to_string(fleet.ports()[0]) + "/health",
        "", s));
  }
  engine::run_options run;
  run.deadline = 30s;
  run.dns_servers = server();
  const auto report = engine::run_fleet(targets, run, 2);
  std::size_t healthy = 0;
  for (const auto& r : report.results) healthy += r.outcome == core::outcome::healthy;
  EXPECT_EQ(healthy, targets.size()) << report.results[0].error;
  // Names only dnsmasq knows: without --dns-server they do not resolve.
  const auto unknown = engine::run_fleet(std::span(targets).first(1), {});
  EXPECT_EQ(unknown.results[0].failure, core::failure::resolve_failed);
}

TEST_F(dnsmasq, the_cli_resolves_through_dns_server_and_checks_dns_urls) {
  const auto dns = "dns://" + server() + "/gone.test";
  const auto r = test_support::run_process(
      {FLEETCHECK_BIN, "check", "dns://" + server() + "/n7.test", dns, "--dns-server", server(),
       "tcp://n7.test:" + std::to_string(port_), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the NXDOMAIN row
  EXPECT_THAT(r.out, HasSubstr(R"("dns":{"rcode":"NXDOMAIN","answer_rrs":0)"));
  EXPECT_THAT(r.out, HasSubstr(R"("answers":["127.0.0.1"])"));
  EXPECT_THAT(r.out, HasSubstr(R"("name":"tcp://n7.test:)" + std::to_string(port_) +
                               R"(","url":"tcp://n7.test:)" + std::to_string(port_) +
                               R"(","outcome":"healthy")"));
  const auto bad = test_support::run_process({FLEETCHECK_BIN, "check", dns, "--dns-server", "x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--dns-server 'x': expected IP[:PORT]"));
}

namespace {

/// A DNS server on 127.0.0.1 (UDP) that misbehaves by the first label of the name asked:
/// servfail, silent (never answers), garbage (random bytes), wrongid (the right answer with
/// another ID), badrecord (an answer record running past the end), many (28 A records), hold
/// (answers only once `hold_for` distinct queries are waiting, proving they were all in flight
/// at once). Runs on its own thread until destroyed.
class hostile_dns {
 public:
  explicit hostile_dns(int hold_for = 0) : hold_for_(hold_for) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    timeval tick{0, 50'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick);
    int buffer = 8 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    thread_ = std::thread([this] { serve(); });
  }
  ~hostile_dns() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  int most_waiting() const { return most_waiting_; }

 private:
  using bytes = std::string;
  struct held {
    bytes reply;
    sockaddr_in to;
  };

  /// The first label of the question's name, and where the question ends.
  static std::pair<std::string, std::size_t> first_label(const bytes& query) {
    if (query.size() < 13) return {"", 0};
    const std::size_t n = static_cast<unsigned char>(query[12]);
    std::size_t at = 12;
    while (at < query.size() && query[at] != 0) at += 1 + static_cast<unsigned char>(query[at]);
    return {query.substr(13, std::min(n, query.size() - 13)), std::min(at + 5, query.size())};
  }

  static bytes answer(const bytes& query, std::size_t question_end, int rcode, int records) {
    bytes out = query.substr(0, question_end);
    out[2] = static_cast<char>(0x80 | (query[2] & 0x01));  // QR, RD as asked
    out[3] = static_cast<char>(0x80 | rcode);              // RA
    out[6] = static_cast<char>(records >> 8);
    out[7] = static_cast<char>(records & 0xff);
    out[8] = out[9] = out[10] = out[11] = 0;
    for (int i = 0; i < records; ++i) {
      out += bytes("\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00", 15);
      out += static_cast<char>(1 + i % 250);
    }
    return out;
  }

  void serve() {
    std::vector<held> waiting;
    std::set<std::string> names;
    char buffer[2048];
    while (!stop_) {
      sockaddr_in from{};
      socklen_t length = sizeof from;
      const auto n =
          ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
      if (n <= 0) continue;
      const bytes query(buffer, static_cast<std::size_t>(n));
      const auto [label, end] = first_label(query);
      if (end == 0) continue;
      bytes reply;
      const bool a = end >= 4 && query[end - 3] == 1;  // QTYPE A (AAAA gets no records)
      if (label == "silent") continue;
      if (label == "servfail") {
        reply = answer(query, end, 2, 0);
      } else if (label == "garbage") {
        reply = "\x13\x37 not DNS at all, just bytes";
      } else if (label == "wrongid") {
        reply = answer(query, end, 0, 1);
        reply[0] = static_cast<char>(reply[0] ^ 0x5a);
      } else if (label == "badrecord") {
        reply = answer(query, end, 0, 1);
        reply.resize(reply.size() - 3);
      } else if (label == "many") {
        reply = answer(query, end, 0, 28);  // 28 records fill the 512 bytes of a UDP answer
      } else {
        reply = answer(query, end, 0, a ? 1 : 0);
      }
      if (hold_for_ > 0 && label.rfind("hold", 0) == 0) {
        waiting.push_back({reply, from});
        names.insert(label);
        most_waiting_ = std::max<int>(most_waiting_, static_cast<int>(names.size()));
        if (static_cast<int>(names.size()) < hold_for_) continue;
        for (const auto& h : waiting) send(h.reply, h.to);
        waiting.clear();
        names.clear();
        hold_for_ = 0;  // from now on, at once
        continue;
      }
      send(reply, from);
    }
  }
  void send(const bytes& reply, const sockaddr_in& to) {
    ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }

  int fd_ = -1;
  unsigned short port_ = 0;
  int hold_for_;
  std::atomic<int> most_waiting_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

core::probe_result check_at(const hostile_dns& server, const std::string& name) {
  core::check_settings s;
  s.timeout = 1500ms;
  const std::vector<core::target> targets{
      test_support::make_target("dns://" + server.server() + "/" + name, "t", s)};
  return engine::run_fleet(targets, {}).results.at(0);
}

}  // namespace

TEST(hostile_dns_server, every_fault_ends_as_a_row_within_the_timeout) {
  hostile_dns server;
  const auto servfail = check_at(server, "servfail.test");
  EXPECT_EQ(servfail.outcome, core::outcome::unhealthy);
  EXPECT_EQ(servfail.error, "SERVFAIL") << "the answer as it came, not retried into an error";
  for (const auto* name : {"silent.test", "garbage.test", "wrongid.test"}) {
    const auto r = check_at(server, name);
    EXPECT_EQ(r.outcome, core::outcome::timeout) << name << ": " << r.error;
    EXPECT_LT(r.duration_seconds, 3.0) << name;
    ASSERT_TRUE(r.dns) << name;
    EXPECT_TRUE(r.dns->rcode.empty()) << name;
  }
  const auto bad = check_at(server, "badrecord.test");
  EXPECT_EQ(bad.failure, core::failure::malformed_response);
  EXPECT_THAT(bad.error, HasSubstr("malformed DNS answer"));
  const auto many = check_at(server, "many.test");
  EXPECT_EQ(many.outcome, core::outcome::healthy) << many.error;
  EXPECT_EQ(many.dns->answer_rrs, 28);
  EXPECT_EQ(many.dns->answers.size(), 28u);
}

TEST(hostile_dns_server, host_names_of_every_check_are_in_flight_together) {
  // The server answers nothing until it has 64 distinct names waiting (a loop's channel has up to
  // 64 lookups in flight; the rest wait their turn): only resolution that has them all in flight
  // at once gets any answer before the checks' timeout. Then the other 936 follow.
  constexpr int names = 1000;
  constexpr int in_flight = 64;
  hostile_dns server(in_flight);
  mock::mock_options o;
  o.services = 1;
  o.base_port = 0;
  o.delay = 0ms;
  o.threads = 1;
  mock::mock_fleet fleet(o);
  fleet.start();
  core::check_settings s;
  s.timeout = 15s;
  std::vector<core::target> targets;
  for (int i = 0; i < names; ++i) {
    targets.push_back(test_support::make_target(
        "tcp://hold" + std::to_string(i) + ".test:" + std::to_string(fleet.ports()[0]), "", s));
  }
  engine::run_options run;
  run.deadline = 20s;
  run.dns_servers = server.server();
  const auto report = engine::run_fleet(targets, run, 1);
  std::size_t healthy = 0;
  for (const auto& r : report.results) healthy += r.outcome == core::outcome::healthy;
  EXPECT_EQ(healthy, targets.size()) << report.results[0].error;
  EXPECT_GE(server.most_waiting(), in_flight);
}
