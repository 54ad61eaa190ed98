// serve's reuse_connection: an http(s) or grpc target's connection kept between checks, over
// loopback, against a scripted in-process server that counts its accepts, and against the mock over
// TLS.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleetcheck/mock/mock_fleet.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"
#include "loop_checks.hpp"
#include "mock_fixture.hpp"
#include "net/asio_aliases.hpp"
#include "probe/http/kept_connection.hpp"
#include "test_certs.hpp"

namespace fleetcheck {
namespace {

namespace asio = net::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

/// What the scripted server does with the next request.
enum class answer {
  keep_alive,        // 200, HTTP/1.1, the connection stays open
  announce_close,    // 200 with `Connection: close`, then closes
  close_unanswered,  // reads the request and closes without a byte (once; then keep_alive)
  garbage,           // bytes that are not HTTP; the connection stays open
  trailing_bytes,    // 200, then bytes past the response
  http10,            // an HTTP/1.0 response with a Content-Length, the connection stays open
  silence,           // never answers
};

/// An HTTP server on 127.0.0.1 (port chosen by the OS) on its own thread that answers as told
/// and counts the connections it accepts.
class scripted_server {
 public:
  scripted_server() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~scripted_server() {
    io_.stop();
    thread_.join();
  }
  scripted_server(const scripted_server&) = delete;
  scripted_server& operator=(const scripted_server&) = delete;

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/health";
  }
  void next(answer a) { answer_.store(a); }
  int accepted() const { return accepted_.load(); }

  /// Closes every connection the server has open (as a keep-alive timeout does), and waits
  /// until it is done.
  void close_idle() {
    std::promise<void> done;
    asio::post(io_, [&] {
      for (auto& socket : sockets_) {
        boost::system::error_code ignored;
        socket->close(ignored);
      }
      sockets_.clear();
      done.set_value();
    });
    done.get_future().wait();
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::use_nothrow);
      if (ec) co_return;
      ++accepted_;
      auto shared = std::make_shared<tcp::socket>(std::move(socket));
      sockets_.push_back(shared);
      asio::co_spawn(io_, session(shared), asio::detached);
    }
  }

  asio::awaitable<void> session(std::shared_ptr<tcp::socket> socket) {
    asio::streambuf request;
    for (;;) {
      auto [ec, n] =
          co_await asio::async_read_until(*socket, request, "\r\n\r\n", net::use_nothrow);
      if (ec) co_return;
      request.consume(n);
      std::string reply;
      bool close_after = false;
      switch (answer_.load()) {
        case answer::keep_alive:
          reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
          break;
        case answer::announce_close:
          reply = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
          close_after = true;
          break;
        case answer::close_unanswered:
          answer_.store(answer::keep_alive);
          close_after = true;
          break;
        case answer::garbage:
          reply = "this is not HTTP\r\n\r\n";
          break;
        case answer::trailing_bytes:
          reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA";
          break;
        case answer::http10:
          reply = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
          break;
        case answer::silence:
          continue;
      }
      if (!reply.empty()) {
        auto [write_error, written] =
            co_await asio::async_write(*socket, asio::buffer(reply), net::use_nothrow);
        if (write_error) co_return;
      }
      if (close_after) {
        boost::system::error_code ignored;
        socket->close(ignored);
        co_return;
      }
    }
  }

  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;  // used on the server's thread only
  std::atomic<answer> answer_{answer::keep_alive};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

/// Checks one target again and again on one loop, as serve's scheduler does, with a slot for
/// its kept connection.
class reuse : public ::testing::Test {
 protected:
  core::target http_target(const std::string& url, core::duration timeout = 2s) {
    core::check_settings s;
    s.timeout = timeout;
    s.http.reuse_connection = true;
    return test_support::make_target(url, "t", s);
  }

  core::probe_result check(const core::target& t, probe::kept_connection* kept,
                           probe::tls_contexts& tls) {
    return loop_.check(t, kept, tls);
  }
  core::probe_result check(const core::target& t, probe::kept_connection* kept) {
    return check(t, kept, tls_);
  }

  test_support::loop_checks loop_;
  probe::tls_contexts tls_;
  probe::kept_connection kept_;
  scripted_server server_;
};

TEST_F(reuse, rounds_share_one_connection_and_say_so) {
  const auto t = http_target(server_.url());
  for (int round = 0; round < 5; ++round) {
    const auto r = check(t, &kept_);
    ASSERT_EQ(r.outcome, core::outcome::healthy) << r.error;
    EXPECT_EQ(r.connection_reused, round > 0) << "round " << round;
    if (round > 0) {
      EXPECT_EQ(r.phases.connect, 0);
      EXPECT_EQ(r.phases.resolve, 0);
    }
  }
  EXPECT_EQ(server_.accepted(), 1);
  EXPECT_TRUE(kept_.holds());
  kept_.close();
  EXPECT_FALSE(kept_.holds());
}

TEST_F(reuse, a_kept_connection_outlives_the_timeout_of_the_check_that_opened_it) {
  // The stream's expiry was that check's deadline: it must not close the idle connection when it
  // passes while the loop runs on (serve's rounds are further apart than their timeouts).
  const auto t = http_target(server_.url(), 200ms);
  ASSERT_EQ(check(t, &kept_).outcome, core::outcome::healthy);
  loop_.idle_for(400ms);
  ASSERT_TRUE(kept_.holds());
  const auto r = check(t, &kept_);
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
  EXPECT_TRUE(r.connection_reused);
  EXPECT_EQ(server_.accepted(), 1);
}

TEST_F(reuse, without_a_slot_every_check_connects_afresh) {
  const auto t = http_target(server_.url());
  for (int round = 0; round < 3; ++round) {
    const auto r = check(t, nullptr);
    ASSERT_EQ(r.outcome, core::outcome::healthy) << r.error;
    EXPECT_FALSE(r.connection_reused);
  }
  EXPECT_EQ(server_.accepted(), 3);
}

TEST_F(reuse, a_connection_the_server_closed_while_idle_is_replaced_within_the_check) {
  const auto t = http_target(server_.url());
  ASSERT_EQ(check(t, &kept_).outcome, core::outcome::healthy);
  server_.close_idle();
  // The FIN may still be on its way: the peek or the request finds the connection closed.
  const auto r = check(t, &kept_);
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
  EXPECT_FALSE(r.connection_reused);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(server_.accepted(), 2);
  EXPECT_TRUE(check(t, &kept_).connection_reused);
  EXPECT_EQ(server_.accepted(), 2);
}

TEST_F(reuse, a_close_that_races_the_request_is_retried_once_on_a_fresh_connection) {
  const auto t = http_target(server_.url());
  ASSERT_EQ(check(t, &kept_).outcome, core::outcome::healthy);
  server_.next(answer::close_unanswered);  // reads our request, closes without a byte
  const auto r = check(t, &kept_);
  EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
  EXPECT_FALSE(r.connection_reused);
  EXPECT_EQ(server_.accepted(), 2);
}

TEST_F(reuse, a_fresh_connection_closed_without_an_answer_is_still_an_error) {
  const auto t = http_target(server_.url());
  server_.next(answer::close_unanswered);
  const auto r = check(t, &kept_);
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(server_.accepted(), 1);
  EXPECT_FALSE(kept_.holds());
}

TEST_F(reuse, connection_close_is_not_kept) {
  const auto t = http_target(server_.url());
  server_.next(answer::announce_close);
  ASSERT_EQ(check(t, &kept_).outcome, core::outcome::healthy);
  EXPECT_FALSE(kept_.holds());
  server_.next(answer::keep_alive);
  EXPECT_FALSE(check(t, &kept_).connection_reused);
  EXPECT_EQ(server_.accepted(), 2);
}

TEST_F(reuse, http10_and_bytes_past_the_response_are_not_kept) {
  const auto t = http_target(server_.url());
  for (const auto a : {answer::http10, answer::trailing_bytes}) {
    server_.next(a);
    const auto r = check(t, &kept_);
    EXPECT_EQ(r.outcome, core::outcome::healthy) << r.error;
    EXPECT_FALSE(kept_.holds());
  }
  EXPECT_EQ(server_.accepted(), 2);
}

TEST_F(reuse, a_failed_check_drops_its_connection) {
  const auto t = http_target(server_.url());
  ASSERT_EQ(check(t, &kept_).outcome, core::outcome::healthy);
  server_.next(answer::garbage);
  const auto bad = check(t, &kept_);
  EXPECT_EQ(bad.outcome, core::outcome::error);
  EXPECT_TRUE(bad.connection_reused);  // the garbage came on the kept connection: not stale
  EXPECT_FALSE(kept_.holds());
  server_.next(answer::keep_alive);
  const auto next = check(t, &kept_);
  EXPECT_EQ(next.outcome, core::outcome::healthy) << next.error;
  EXPECT_FALSE(next.connection_reused);
  EXPECT_EQ(server_.accepted(), 2);
}

TEST_F(reuse, a_timeout_on_a_kept_connection_drops_it_and_is_not_retried) {
  const auto t = http_target(server_.url(), 300ms);
  ASSERT_EQ(check(t, &kept_).outcome, core::outcome::healthy);
  server_.next(answer::silence);
  const auto r = check(t, &kept_);
  EXPECT_EQ(r.outcome, core::outcome::timeout);
  EXPECT_FALSE(kept_.holds());
  EXPECT_EQ(server_.accepted(), 1);
}

TEST_F(reuse, https_keeps_its_tls_connection_and_its_certificate_facts) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("fleetcheck-reuse-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  test_support::test_pki pki(dir.string());
  const auto leaf = pki.issue("server", {"127.0.0.1"});
  auto o = test_support::quick_mock(1, 0ms);
  o = test_support::with_tls(o, leaf.cert, leaf.key);
  mock::mock_fleet fleet(o);
  fleet.start();
  auto t = http_target(fleet.url(0));
  t.settings.tls.ca_file = pki.ca_file();
  const std::vector<core::target> targets{t};
  probe::tls_contexts tls(targets);
  std::optional<std::int64_t> expiry;
  for (int round = 0; round < 4; ++round) {
    const auto r = check(t, &kept_, tls);
    ASSERT_EQ(r.outcome, core::outcome::healthy) << r.error;
    EXPECT_EQ(r.connection_reused, round > 0);
    ASSERT_TRUE(r.cert_expires_at.has_value());
    if (round == 0) expiry = r.cert_expires_at;
    EXPECT_EQ(r.cert_expires_at, expiry);
    EXPECT_FALSE(r.tls_version.empty());
    if (round > 0) {
      EXPECT_EQ(r.phases.tls, 0);
    }
  }
  EXPECT_EQ(fleet.connections_accepted(), 1u);
  EXPECT_EQ(fleet.requests_served(), 4u);
  kept_.close();
  fleet.stop();
  std::filesystem::remove_all(dir);
}

/// grpc:// with reuse_connection: the calls of later rounds are new streams on the kept HTTP/2
/// session, against the mock's gRPC health service (which counts its accepts).
class grpc_reuse : public ::testing::Test {
 protected:
  grpc_reuse() {
    auto o = test_support::quick_mock(1, 0ms);
    o.protocol = mock::protocol::grpc;
    fleet_ = std::make_unique<mock::mock_fleet>(o);
    fleet_->start();
  }
  ~grpc_reuse() override {
    kept_.close();
    fleet_->stop();
  }
  core::target target(const std::string& service, core::duration timeout = 2s) {
    core::check_settings s;
    s.timeout = timeout;
    s.http.reuse_connection = true;
    return test_support::make_target(fleet_->url(0) + "/" + service, "t", s);
  }
  core::probe_result check(const core::target& t) { return loop_.check(t, &kept_, tls_); }

  std::unique_ptr<mock::mock_fleet> fleet_;
  test_support::loop_checks loop_;
  probe::tls_contexts tls_;
  probe::kept_connection kept_;
};

TEST_F(grpc_reuse, rounds_are_streams_of_one_connection_and_say_so) {
  const auto t = target("serving");
  for (int round = 0; round < 5; ++round) {
    const auto r = check(t);
    ASSERT_EQ(r.outcome, core::outcome::healthy) << r.error;
    ASSERT_TRUE(r.grpc.has_value());
    EXPECT_EQ(r.grpc->serving_status, "SERVING");
    EXPECT_EQ(r.connection_reused, round > 0) << "round " << round;
    if (round > 0) {
      EXPECT_EQ(r.phases.connect, 0);
    }
  }
  EXPECT_EQ(fleet_->connections_accepted(), 1u);
  EXPECT_EQ(fleet_->requests_served(), 5u);
  EXPECT_TRUE(kept_.holds());
}

TEST_F(grpc_reuse, a_service_that_is_down_answers_cleanly_and_keeps_the_connection) {
  // NOT_SERVING, and grpc-status 12 in trailers only: the service's answer, on a sound session.
  const std::pair<const char*, core::outcome> rounds[] = {{"not-serving", core::outcome::unhealthy},
                                                          {"unimplemented", core::outcome::error},
                                                          {"serving", core::outcome::healthy}};
  for (const auto& [service, outcome] : rounds) {
    const auto r = check(target(service));
    EXPECT_EQ(r.outcome, outcome) << service << ": " << r.error;
    EXPECT_EQ(r.connection_reused, std::string(service) != "not-serving") << service;
  }
  EXPECT_EQ(fleet_->connections_accepted(), 1u);
}

TEST_F(grpc_reuse, a_goaway_that_refuses_the_call_is_retried_once_on_a_fresh_connection) {
  ASSERT_EQ(check(target("serving")).outcome, core::outcome::healthy);
  // The mock answers this service with GOAWAY (last stream 0: ours not processed) and closes.
  // Refused on the kept connection, the call goes once more on a fresh one, which the server
  // refuses as well: that is the check's answer, and nothing is kept.
  const auto r = check(target("goaway"));
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_THAT(r.error, ::testing::HasSubstr("GOAWAY (ENHANCE_YOUR_CALM)"));
  EXPECT_FALSE(r.connection_reused);
  EXPECT_EQ(fleet_->connections_accepted(), 2u);
  EXPECT_FALSE(kept_.holds());
  const auto next = check(target("serving"));
  EXPECT_EQ(next.outcome, core::outcome::healthy) << next.error;
  EXPECT_FALSE(next.connection_reused);
  EXPECT_EQ(fleet_->connections_accepted(), 3u);
}

TEST_F(grpc_reuse, a_broken_session_is_dropped_and_reported_not_retried) {
  ASSERT_EQ(check(target("serving")).outcome, core::outcome::healthy);
  for (const auto* service : {"rst-stream", "garbage"}) {
    const auto r = check(target(service));
    EXPECT_EQ(r.outcome, core::outcome::error) << service;
    EXPECT_TRUE(r.connection_reused) << service << ": the answer came on the kept connection";
    EXPECT_FALSE(kept_.holds()) << service;
    ASSERT_EQ(check(target("serving")).outcome, core::outcome::healthy);
  }
  EXPECT_EQ(fleet_->connections_accepted(), 3u);
}

TEST_F(grpc_reuse, a_timeout_on_the_kept_session_drops_it_and_is_not_retried) {
  ASSERT_EQ(check(target("serving")).outcome, core::outcome::healthy);
  const auto r = check(target("hang", 300ms));
  EXPECT_EQ(r.outcome, core::outcome::timeout);
  EXPECT_FALSE(kept_.holds());
  EXPECT_EQ(fleet_->connections_accepted(), 1u);
}

TEST_F(grpc_reuse, a_server_that_went_away_while_idle_is_not_written_to) {
  ASSERT_EQ(check(target("serving")).outcome, core::outcome::healthy);
  const auto t = target("serving");
  fleet_->stop();  // closes the kept connection from the server's side, and the port
  loop_.idle_for(50ms);
  const auto r = check(t);
  EXPECT_EQ(r.outcome, core::outcome::error);
  EXPECT_EQ(r.failure, core::failure::connection_refused) << r.error;
  EXPECT_FALSE(r.connection_reused);
}

TEST_F(grpc_reuse, grpcs_keeps_its_tls_session_and_certificate_facts) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("fleetcheck-grpc-reuse-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  test_support::test_pki pki(dir.string());
  const auto leaf = pki.issue("grpc", {"127.0.0.1"});
  auto o = test_support::quick_mock(1, 0ms);
  o.protocol = mock::protocol::grpc;
  o = test_support::with_tls(o, leaf.cert, leaf.key);
  mock::mock_fleet fleet(o);
  fleet.start();
  core::check_settings s;
  s.timeout = 2s;
  s.http.reuse_connection = true;
  s.tls.ca_file = pki.ca_file();
  const auto t = test_support::make_target(fleet.url(0), "t", s);
  const std::vector<core::target> targets{t};
  probe::tls_contexts tls(targets);
  probe::kept_connection kept;
  for (int round = 0; round < 3; ++round) {
    const auto r = loop_.check(t, &kept, tls);
    ASSERT_EQ(r.outcome, core::outcome::healthy) << r.error;
    EXPECT_TRUE(r.grpc->tls);
    EXPECT_EQ(r.connection_reused, round > 0);
    EXPECT_TRUE(r.cert_expires_at.has_value());
    EXPECT_FALSE(r.tls_version.empty());
  }
  EXPECT_EQ(fleet.connections_accepted(), 1u);
  kept.close();
  fleet.stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fleetcheck
