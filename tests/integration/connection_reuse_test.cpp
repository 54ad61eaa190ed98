// serve's reuse_connection: an http(s) target's connection kept between checks, over loopback,
// against a scripted in-process server that counts its accepts, and against the mock over TLS.
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
#include <gtest/gtest.h>

#include "engine/check_on_loop.hpp"
#include "engine/loop.hpp"
#include "fleetcheck/mock/mock_fleet.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"
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
    std::atomic<core::probe_phase> phase{core::probe_phase::queued};
    std::optional<core::probe_result> out;
    const core::deadline bound{net::clock::now() + t.settings.timeout,
                               core::deadline_reason::timeout};
    asio::co_spawn(*l_.context, engine::check_on_loop(l_, tls, t, bound, phase, kept),
                   [&](const std::exception_ptr&, core::probe_result r) { out = std::move(r); });
    l_.context->restart();
    for (int i = 0; i < 1000 && !out; ++i) l_.context->run_one_for(10ms);
    if (!out) throw std::runtime_error("the check did not finish within 10 s");
    return std::move(*out);
  }
  core::probe_result check(const core::target& t, probe::kept_connection* kept) {
    return check(t, kept, tls_);
  }

  engine::loop l_{""};
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
  l_.context->restart();
  l_.context->run_for(400ms);
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
  o.tls = true;
  o.cert_file = leaf.cert;
  o.key_file = leaf.key;
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

}  // namespace
}  // namespace fleetcheck
