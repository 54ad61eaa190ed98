// The mock's chaos faults, byte for byte, seen from a raw TCP client: what each sends, and whether
// the connection then ends in EOF, a reset, or stays open. Every read is bounded.
#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_fixture.hpp"
#include "mock_raw_socket.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using test_support::get_and_close;
using test_support::raw_socket;
using test_support::read_end;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

namespace {

/// A started one-service plain-HTTP mock whose service has `service_fault`.
std::unique_ptr<mock::mock_fleet> serve(mock::fault service_fault = mock::fault::none) {
  auto o = test_support::quick_mock(1, 1ms);
  for (const auto& f : mock::fault_catalog()) {
    if (f.what == service_fault && f.rate != nullptr) o.rates.*f.rate = 1.0;
  }
  auto fleet = std::make_unique<mock::mock_fleet>(o);
  fleet->start();
  return fleet;
}

/// What the service sends for `GET /health?fault=name&...` within `limit`.
test_support::read_result ask(const mock::mock_fleet& fleet, const std::string& query,
                              std::chrono::milliseconds limit = 1s) {
  raw_socket client(fleet.ports()[0]);
  EXPECT_TRUE(client.connected());
  client.send(get_and_close("/health?" + query));
  return client.read(limit);
}

std::string head_of(const std::string& response) {
  return response.substr(0, response.find("\r\n\r\n") + 4);
}

using response_parser = boost::beast::http::response_parser<boost::beast::http::string_body>;

/// Parses `bytes` as one HTTP response the way a strict parser (Beast) does.
boost::system::error_code parse(const std::string& bytes, response_parser& parser) {
  boost::system::error_code ec;
  parser.eager(true);
  parser.put(boost::asio::buffer(bytes), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  return ec;
}

constexpr std::string_view ok_body = R"({"status":"ok"})";

}  // namespace

TEST(mock_chaos, slowloris_drips_header_bytes_and_never_ends_the_head) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=slowloris", 350ms);
  EXPECT_EQ(r.end, read_end::timeout) << to_string(r.end);
  ASSERT_THAT(r.bytes, StartsWith("HTTP/1.1 200 OK\r\n"));
  const auto dripped = r.bytes.size() - std::string_view("HTTP/1.1 200 OK\r\n").size();
  EXPECT_GE(dripped, 1u);  // one byte per 100 ms: 3 here, fewer on a loaded machine
  EXPECT_LE(dripped, 4u);
  EXPECT_THAT(r.bytes, Not(HasSubstr("\r\n\r\n")));
}

TEST(mock_chaos, huge_headers_sends_12_kib_of_headers_then_the_ok_body) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=huge-headers");
  EXPECT_EQ(r.end, read_end::eof) << to_string(r.end);
  const auto head = head_of(r.bytes);
  EXPECT_GE(head.size(), 12u * 1024);
  EXPECT_LE(head.size(), 13u * 1024);
  EXPECT_THAT(head, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(head, HasSubstr("\r\nX-Pad-100: aaa"));
  EXPECT_EQ(r.bytes.substr(head.size()), ok_body);
  response_parser parser;
  parser.header_limit(64 * 1024);
  const auto ec = parse(r.bytes, parser);
  EXPECT_EQ(ec, boost::system::error_code{}) << ec.message();  // large, but valid HTTP
}

TEST(mock_chaos, huge_headers_pads_to_header_bytes_and_rejects_nonsense) {
  const auto fleet = serve();
  const auto big = head_of(ask(*fleet, "fault=huge-headers&header_bytes=100000").bytes);
  EXPECT_GE(big.size(), 100000u);
  EXPECT_LE(big.size(), 100300u);
  EXPECT_THAT(head_of(ask(*fleet, "fault=huge-headers&header_bytes=0").bytes),
              Not(HasSubstr("X-Pad-")));
  for (const auto* bad : {"header_bytes=-1", "header_bytes=lots", "header_bytes=999999999"}) {
    const auto r = ask(*fleet, std::string("fault=huge-headers&") + bad);
    EXPECT_THAT(r.bytes, StartsWith("HTTP/1.1 400")) << bad;
    EXPECT_THAT(r.bytes, HasSubstr("header_bytes must be")) << bad;
  }
}

TEST(mock_chaos, endless_streams_a_chunked_body_until_the_client_leaves) {
  const auto fleet = serve();
  {
    raw_socket client(fleet->ports()[0]);
    client.send(get_and_close("/health?fault=endless"));
    const auto r = client.read(1s, {}, 4 << 20);
    EXPECT_EQ(r.end, read_end::full) << to_string(r.end);
    EXPECT_THAT(head_of(r.bytes), HasSubstr("Transfer-Encoding: chunked\r\n"));
    EXPECT_THAT(r.bytes.substr(head_of(r.bytes).size(), 10), StartsWith("4000\r\nxxxx"));
  }  // the client goes away mid-stream: the write fails and the loop ends
  const auto after = ask(*fleet, "");
  EXPECT_THAT(after.bytes, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(after.bytes, EndsWith(ok_body));
}

TEST(mock_chaos, short_body_sends_10_of_1000_bytes_and_keeps_the_connection_open) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=short-body", 300ms);
  EXPECT_EQ(r.end, read_end::timeout) << to_string(r.end);
  EXPECT_THAT(head_of(r.bytes), HasSubstr("\r\nContent-Length: 1000\r\n"));
  EXPECT_EQ(r.bytes.substr(head_of(r.bytes).size()), R"({"status":)");
}

TEST(mock_chaos, short_body_close_sends_10_of_1000_bytes_then_closes) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=short-body-close");
  EXPECT_EQ(r.end, read_end::eof) << to_string(r.end);
  EXPECT_THAT(head_of(r.bytes), HasSubstr("\r\nContent-Length: 1000\r\n"));
  EXPECT_EQ(r.bytes.substr(head_of(r.bytes).size()), R"({"status":)");
}

TEST(mock_chaos, accept_no_read_holds_the_connection_in_silence) {
  const auto fleet = serve(mock::fault::accept_no_read);
  const auto r = ask(*fleet, "", 300ms);
  EXPECT_EQ(r.end, read_end::timeout) << to_string(r.end);
  EXPECT_EQ(r.bytes, "");
  // Asked per request, it stops once the request is read: the same silence.
  const auto healthy = serve();
  const auto q = ask(*healthy, "fault=accept-no-read", 300ms);
  EXPECT_EQ(q.end, read_end::timeout) << to_string(q.end);
  EXPECT_EQ(q.bytes, "");
}

TEST(mock_chaos, tls_stall_without_tls_behaves_like_accept_no_read) {
  const auto fleet = serve(mock::fault::tls_stall);
  const auto r = ask(*fleet, "", 300ms);
  EXPECT_EQ(r.end, read_end::timeout) << to_string(r.end);
  EXPECT_EQ(r.bytes, "");
}

TEST(mock_chaos, close_service_closes_right_after_accept_with_eof) {
  const auto fleet = serve(mock::fault::close);
  {
    raw_socket silent(fleet->ports()[0]);
    const auto started = std::chrono::steady_clock::now();
    const auto r = silent.read(1s);
    EXPECT_EQ(r.end, read_end::eof) << to_string(r.end);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 300ms);
  }
  // A client that sent its request first still sees EOF, not a reset of unread data.
  const auto r = ask(*fleet, "");
  EXPECT_EQ(r.end, read_end::eof) << to_string(r.end);
  EXPECT_EQ(r.bytes, "");
}

TEST(mock_chaos, close_per_request_closes_without_answering) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=close");
  EXPECT_EQ(r.end, read_end::eof) << to_string(r.end);
  EXPECT_EQ(r.bytes, "");
}

TEST(mock_chaos, rst_after_headers_sends_the_headers_then_resets) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=rst-after-headers");
  EXPECT_EQ(r.end, read_end::reset) << to_string(r.end);
  EXPECT_THAT(r.bytes, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(r.bytes, HasSubstr("\r\nContent-Length: 100\r\n"));
  EXPECT_THAT(r.bytes, EndsWith("\r\n\r\n"));
}

TEST(mock_chaos, continue_then_nothing_sends_100_and_keeps_the_connection_open) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=continue-then-nothing", 300ms);
  EXPECT_EQ(r.end, read_end::timeout) << to_string(r.end);
  EXPECT_EQ(r.bytes, "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(mock_chaos, early_hints_sends_103_then_the_ordinary_200) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=early-hints");
  EXPECT_EQ(r.end, read_end::eof) << to_string(r.end);
  EXPECT_THAT(r.bytes, StartsWith("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n"
                                  "\r\nHTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(r.bytes, EndsWith(ok_body));
}

TEST(mock_chaos, continue_then_ok_sends_100_then_the_ordinary_200) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=continue-then-ok&status=201");
  EXPECT_EQ(r.end, read_end::eof) << to_string(r.end);
  EXPECT_THAT(r.bytes, StartsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"));
}

TEST(mock_chaos, non_utf8_puts_invalid_bytes_in_reason_headers_and_body) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=non-utf8");
  EXPECT_EQ(r.end, read_end::eof) << to_string(r.end);
  response_parser parser;
  const auto ec = parse(r.bytes, parser);
  ASSERT_EQ(ec, boost::system::error_code{}) << ec.message();  // hostile, but parsable
  const auto& res = parser.get();
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.reason(), "OK \xff\xfe\xc3\x28\tfine");
  EXPECT_EQ(res["X-Bad"], "\xff\xfe \xc3\x28\tend");
  EXPECT_THAT(std::string(res["Location"]), StartsWith("/h\xff"));
  EXPECT_THAT(res.body(), StartsWith("{\"status\":\"\xff\xfe ok\"}"));
  EXPECT_THAT(res.body(), HasSubstr("\x01"));
  EXPECT_THAT(res.body(), HasSubstr("\xc3\x28"));
}

TEST(mock_chaos, non_utf8_503_has_an_invalid_byte_in_its_reason) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=non-utf8-503");
  EXPECT_THAT(r.bytes, StartsWith("HTTP/1.1 503 Service \xffUnavailable\r\n"));
  response_parser parser;
  const auto ec = parse(r.bytes, parser);
  ASSERT_EQ(ec, boost::system::error_code{}) << ec.message();
  EXPECT_EQ(parser.get().result_int(), 503u);
  EXPECT_EQ(parser.get()["X-Bad"], "\xff\xfe \xc3\x28\tend");
}

TEST(mock_chaos, http2_answers_settings_then_goaway_then_closes) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=http2");
  EXPECT_EQ(r.end, read_end::eof) << to_string(r.end);
  ASSERT_EQ(r.bytes.size(), 26u);
  EXPECT_EQ(r.bytes.substr(0, 9), std::string("\0\0\0\x04\0\0\0\0\0", 9));    // SETTINGS, empty
  EXPECT_EQ(r.bytes.substr(9, 9), std::string("\0\0\x08\x07\0\0\0\0\0", 9));  // GOAWAY, 8 bytes
  EXPECT_EQ(r.bytes.substr(22), std::string("\0\0\0\x01", 4));                // PROTOCOL_ERROR
}

TEST(mock_chaos, close_no_notify_faults_on_plain_http_close_after_the_answer) {
  const auto fleet = serve();
  const std::map<std::string, std::string> expected{
      {"close-no-notify", "HTTP/1.1 200 OK\r\n"},
      {"close-no-notify-http10", "HTTP/1.0 200 OK\r\n"},
      {"close-no-notify-chunked", "HTTP/1.1 200 OK\r\n"},
  };
  for (const auto& [name, status_line] : expected) {
    const auto r = ask(*fleet, "fault=" + name);
    EXPECT_EQ(r.end, read_end::eof) << name << ": " << to_string(r.end);
    EXPECT_THAT(r.bytes, StartsWith(status_line)) << name;
    EXPECT_THAT(r.bytes, HasSubstr(ok_body)) << name;
  }
  const auto chunked = ask(*fleet, "fault=close-no-notify-chunked").bytes;
  EXPECT_THAT(chunked, HasSubstr("Transfer-Encoding: chunked\r\n"));
  EXPECT_THAT(chunked, EndsWith("\r\n0\r\n\r\n"));
  EXPECT_THAT(ask(*fleet, "fault=close-no-notify-http10").bytes, Not(HasSubstr("Content-Length")));
}

TEST(mock_chaos, a_chaos_service_misbehaves_without_being_asked) {
  const auto fleet = serve(mock::fault::http2);
  EXPECT_EQ(fleet->faults()[0], mock::fault::http2);
  EXPECT_EQ(ask(*fleet, "").bytes.substr(0, 9), std::string("\0\0\0\x04\0\0\0\0\0", 9));
  EXPECT_THAT(ask(*fleet, "fault=none").bytes, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(fleet->manifest(), HasSubstr("# mock fault: http2"));
}

TEST(mock_chaos, unknown_fault_names_every_fault_in_its_400) {
  const auto fleet = serve();
  const auto r = ask(*fleet, "fault=explode");
  EXPECT_THAT(r.bytes, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(r.bytes, HasSubstr("slowloris"));
  EXPECT_THAT(r.bytes, HasSubstr("close-no-notify-chunked"));
}

TEST(mock_chaos, every_fault_name_is_kebab_case_and_parses_back) {
  std::size_t with_rate = 0;
  for (const auto& f : mock::fault_catalog()) {
    EXPECT_EQ(mock::parse_fault(f.name), f.what) << f.name;
    EXPECT_EQ(mock::to_string(f.what), f.name);
    EXPECT_EQ(f.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"),
              std::string_view::npos)
        << f.name;
    with_rate += f.rate != nullptr;
  }
  EXPECT_EQ(with_rate, mock::fault_catalog().size() - 1);  // all but none
  EXPECT_EQ(mock::parse_fault("huge_headers"), std::nullopt);
}

TEST(mock_chaos, chaos_deals_every_fault_out_in_equal_shares) {
  mock::fault_rates rates;
  rates.chaos = 0.3;
  for (const std::size_t services : {100u, 1000u}) {
    const auto faults = mock::assign_faults(services, rates, 3);
    std::map<mock::fault, std::size_t> seen;
    for (const auto f : faults) ++seen[f];
    EXPECT_EQ(services - seen[mock::fault::none], services * 3 / 10);
    std::size_t fewest = services, most = 0;
    for (const auto& f : mock::fault_catalog()) {
      if (f.what == mock::fault::none) continue;
      fewest = std::min(fewest, seen[f.what]);
      most = std::max(most, seen[f.what]);
    }
    EXPECT_GE(fewest, 1u) << services;
    EXPECT_LE(most - fewest, 1u) << services;
    EXPECT_EQ(faults, mock::assign_faults(services, rates, 3));
  }
  rates.slowloris = 0.8;
  EXPECT_THROW(mock::assign_faults(100, rates, 3), std::invalid_argument);
}

TEST(mock_chaos, stop_ends_every_chaos_connection_promptly) {
  auto o = test_support::quick_mock(2, 1ms);
  o.rates.accept_no_read = 0.5;
  mock::mock_fleet fleet(o);
  fleet.start();
  const auto normal = fleet.faults()[0] == mock::fault::none ? 0u : 1u;
  std::vector<std::unique_ptr<raw_socket>> clients;
  for (const auto* f : {"slowloris", "endless", "short-body", "continue-then-nothing",
                        "accept-no-read", "hang", "slow"}) {
    clients.push_back(std::make_unique<raw_socket>(fleet.ports()[normal]));
    clients.back()->send(get_and_close(std::string("/health?fault=") + f));
  }
  clients.push_back(std::make_unique<raw_socket>(fleet.ports()[1 - normal]));
  clients.back()->send(get_and_close("/health"));
  std::this_thread::sleep_for(200ms);  // every fault under way

  const auto started = std::chrono::steady_clock::now();
  fleet.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
  for (auto& client : clients) {
    const auto r = client->read(1s, {}, std::size_t{1} << 30);  // endless: drain what is queued
    EXPECT_TRUE(r.end == read_end::eof || r.end == read_end::reset) << to_string(r.end);
  }
}
