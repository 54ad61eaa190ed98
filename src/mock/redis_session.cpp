// A redis-like line protocol, so that the mock can stand in for raw-TCP services that checks talk
// to with send/expect. Inline commands only (`PING\r\n`), which is what such checks send.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "mock/mock_session.hpp"

namespace fleetcheck::mock {
namespace {

namespace asio = net::asio;

/// The first word of `line`, upper-cased: commands are case-insensitive.
std::string command_of(std::string_view line) {
  const auto begin = line.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = line.find_first_of(" \t", begin);
  std::string word(line.substr(begin, end == std::string_view::npos ? end : end - begin));
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return word;
}

/// The reply redis sends to `command`; with requirepass set and no AUTH, everything but QUIT is
/// refused.
std::string reply_to(const std::string& command, protocol mode) {
  if (command == "QUIT") return "+OK\r\n";
  if (mode == protocol::redis_noauth) return "-NOAUTH Authentication required.\r\n";
  if (command == "PING") return "+PONG\r\n";
  return fmt::format("-ERR unknown command '{}'\r\n", command.substr(0, 64));
}

}  // namespace

asio::awaitable<void> serve_redis(asio::ip::tcp::socket socket, service_behaviour behaviour) {
  // Like redis's inline-request limit: a longer line is a protocol error and ends the connection.
  constexpr std::size_t longest_line = 64 * 1024;
  std::string input;
  asio::steady_timer delay(co_await asio::this_coro::executor);
  for (;;) {
    auto [read_error, length] = co_await asio::async_read_until(
        socket, asio::dynamic_buffer(input, longest_line), '\n', net::use_nothrow);
    if (read_error) co_return;  // the client closed, or the line was too long
    std::string_view line(input.data(), length - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto command = command_of(line);
    input.erase(0, length);
    if (command.empty()) continue;  // redis ignores empty lines
    behaviour.served->fetch_add(1, std::memory_order_relaxed);
    delay.expires_after(response_delay(*behaviour.options));
    if (auto [ec] = co_await delay.async_wait(net::use_nothrow); ec) co_return;
    const auto reply = reply_to(command, behaviour.options->protocol);
    auto [write_error, n] =
        co_await asio::async_write(socket, asio::buffer(reply), net::use_nothrow);
    if (write_error || command == "QUIT") co_return;
  }
}

}  // namespace fleetcheck::mock
