// fleetcheck-mock's behaviour seen from a plain blocking socket client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_fixture.hpp"
#include "mock_raw_socket.hpp"

using namespace fleetcheck;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

namespace {

/// A connection to a mock service that sends a request and reads one response: up to the mock's
/// JSON body's closing brace, or to the close (a body-less answer).
class raw_client {
 public:
  explicit raw_client(std::uint16_t port) : socket_(port) {}
  bool connected() const { return socket_.connected(); }
  std::string exchange(const std::string& request) {
    socket_.send(request);
    return socket_.read(std::chrono::seconds(5), "}").bytes;
  }

 private:
  test_support::raw_socket socket_;
};

std::string get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
}

}  // namespace

TEST(mock_fleet, answers_health_with_json_and_keeps_the_connection_alive) {
  mock::mock_fleet fleet(test_support::quick_mock(1, std::chrono::milliseconds(1)));
  fleet.start();
  raw_client client(fleet.ports()[0]);
  ASSERT_TRUE(client.connected());
  const auto first = client.exchange(get("/health"));
  EXPECT_THAT(first, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(first, HasSubstr("Content-Type: application/json"));
  EXPECT_THAT(first, HasSubstr(R"({"status":"ok"})"));
  const auto second = client.exchange(get("/health?status=418"));
  EXPECT_THAT(second, StartsWith("HTTP/1.1 418"));
  EXPECT_EQ(fleet.requests_served(), 2u);
}

TEST(mock_fleet, rejects_bad_overrides_and_unknown_paths) {
  mock::mock_fleet fleet(test_support::quick_mock(1, std::chrono::milliseconds(1)));
  fleet.start();
  raw_client client(fleet.ports()[0]);
  EXPECT_THAT(client.exchange(get("/health?delay=soon")), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(client.exchange(get("/health?fault=explode")), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(client.exchange(get("/nope")), StartsWith("HTTP/1.1 404"));
}

TEST(mock_fleet, answers_bodyless_statuses_without_a_body) {
  mock::mock_fleet fleet(test_support::quick_mock(1, std::chrono::milliseconds(1)));
  fleet.start();
  for (const auto* status : {"204", "304"}) {
    raw_client client(fleet.ports()[0]);
    const auto response = client.exchange("GET /health?status=" + std::string(status) +
                                          " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_THAT(response, StartsWith("HTTP/1.1 " + std::string(status))) << status;
    EXPECT_THAT(response, EndsWith("\r\n\r\n")) << status;
    EXPECT_THAT(response, Not(HasSubstr("Content-Length"))) << status;
  }
}

TEST(mock_fleet, listens_on_consecutive_ports_and_reports_busy_ones) {
  auto o = test_support::quick_mock(1);
  mock::mock_fleet first(o);
  o.base_port = first.ports()[0];
  try {
    mock::mock_fleet second(o);
    FAIL() << "bound a port that is in use";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("the port is already in use"));
  }
}

TEST(mock_fleet, assigns_faults_by_rate_deterministically) {
  mock::fault_rates rates;
  rates.hang = 0.1;
  rates.fail = 0.2;
  const auto a = mock::assign_faults(100, rates, 7);
  EXPECT_EQ(std::count(a.begin(), a.end(), mock::fault::hang), 10);
  EXPECT_EQ(std::count(a.begin(), a.end(), mock::fault::fail), 20);
  EXPECT_EQ(a, mock::assign_faults(100, rates, 7));
  rates.reset = 0.9;
  EXPECT_THROW(mock::assign_faults(100, rates, 7), std::invalid_argument);
}

TEST(mock_fleet, failing_services_answer_their_status) {
  auto o = test_support::quick_mock(2, std::chrono::milliseconds(1));
  o.rates.fail = 0.5;
  mock::mock_fleet fleet(o);
  fleet.start();
  const auto failing = fleet.faults()[0] == mock::fault::fail ? 0 : 1;
  raw_client client(fleet.ports()[static_cast<std::size_t>(failing)]);
  EXPECT_THAT(client.exchange(get("/health")), StartsWith("HTTP/1.1 503"));
}

TEST(mock_fleet, manifest_is_a_fleet_config) {
  auto o = test_support::quick_mock(3);
  o.rates.hang = 1.0 / 3;
  mock::mock_fleet fleet(o);
  const auto text = fleet.manifest();
  EXPECT_THAT(text, HasSubstr("targets:\n  - name: svc-0000\n    url: " + fleet.url(0)));
  EXPECT_THAT(text, HasSubstr("# mock fault: hang"));
}
