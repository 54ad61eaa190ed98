#include "serve/http_server.hpp"

#include <charconv>
#include <list>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "fleetcheck/core/config_error.hpp"
#include "net/asio_aliases.hpp"

namespace fleetcheck::serve {

namespace asio = net::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto read_timeout = std::chrono::seconds(30);   // a keep-alive connection left idle
constexpr auto write_timeout = std::chrono::seconds(60);  // a /metrics of 50,000 targets is MBs
constexpr std::size_t max_request_header = 16 * 1024;
constexpr std::size_t max_request_body = 64 * 1024;

tcp::endpoint parse_listen(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos) {
    throw core::config_error(
        fmt::format("--listen {}: expected host:port, e.g. 127.0.0.1:9470", listen));
  }
  auto host = std::string(listen.substr(0, colon));
  const auto port_text = listen.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    throw core::config_error(fmt::format("--listen {}: the port must be 0-65535", listen));
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  boost::system::error_code bad;
  const auto address = asio::ip::make_address(host, bad);
  if (bad) {
    throw core::config_error(fmt::format(
        "--listen {}: '{}' is not an IP address (names are not resolved)", listen, host));
  }
  return {address, static_cast<std::uint16_t>(port)};
}

}  // namespace

struct http_server::state : std::enable_shared_from_this<state> {
  state(asio::io_context& c, api_handler h)
      : context(c), acceptor(c), handler(std::move(h)), workers(4) {}
  asio::io_context& context;
  tcp::acceptor acceptor;
  api_handler handler;
  asio::thread_pool workers;               // runs the handlers: they block (checks, rendering)
  std::list<beast::tcp_stream*> sessions;  // for stop(); touched on the context's thread only
  bool stopped = false;

  asio::awaitable<void> accept_loop() {
    auto keep = shared_from_this();
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(net::use_nothrow);
      if (stopped) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        // EMFILE and the like: wait a little rather than spin.
        asio::steady_timer pause(context, std::chrono::milliseconds(50));
        co_await pause.async_wait(net::use_nothrow);
        continue;
      }
      asio::co_spawn(context, session(beast::tcp_stream(std::move(socket))), asio::detached);
    }
  }

  static asio::awaitable<api_response> answer_on_pool(state* self, api_request request) {
    co_return self->handler(request);
  }

  /// The handler run on the pool; the caller resumes on the context when it is done. A plain
  /// coroutine function, not a capturing coroutine lambda: with GCC 12 the lambda form crashed
  /// with "free(): invalid pointer" on the first request.
  asio::awaitable<api_response> off_thread(api_request request) {
    co_return co_await asio::co_spawn(workers, answer_on_pool(this, std::move(request)),
                                      asio::use_awaitable);
  }

  asio::awaitable<void> session(beast::tcp_stream stream) {
    auto keep = shared_from_this();
    sessions.push_back(&stream);
    struct deregister {
      std::list<beast::tcp_stream*>& list;
      beast::tcp_stream* stream;
      ~deregister() { list.remove(stream); }
    } registered{sessions, &stream};
    beast::flat_buffer buffer;
    while (!stopped) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(max_request_header);
      parser.body_limit(max_request_body);
      stream.expires_after(read_timeout);
      auto [read_error, read] = co_await http::async_read(stream, buffer, parser, net::use_nothrow);
      if (read_error) break;  // closed, timed out, or a request too large or malformed
      const auto& req = parser.get();
      // Field by field: GCC 12 destroys the temporaries of an aggregate initialisation inside a
      // coroutine twice.
      api_request request;
      request.method = std::string(req.method_string());
      request.target = std::string(req.target());
      request.scrape_timeout = std::string(req["X-Prometheus-Scrape-Timeout-Seconds"]);
      request.body = req.body();
      const bool head = req.method() == http::verb::head;
      const bool keep_alive = req.keep_alive();
      const auto version = req.version();
      api_response answer;
      try {
        answer = co_await off_thread(std::move(request));
      } catch (const std::exception& e) {
        answer.status = 500;
        answer.content_type = "text/plain";
        answer.body = fmt::format("internal error: {}\n", e.what());
      }
      if (stopped) break;
      http::response<http::string_body> res{static_cast<http::status>(answer.status), version};
      res.set(http::field::server, "fleetcheck");
      res.set(http::field::content_type, answer.content_type);
      res.set(http::field::cache_control, answer.cache_control);
      res.keep_alive(keep_alive);
      res.body() = std::move(answer.body);
      res.prepare_payload();
      if (head) res.body().clear();
      stream.expires_after(write_timeout);
      auto [write_error, written] = co_await http::async_write(stream, res, net::use_nothrow);
      if (write_error || !keep_alive) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
};

http_server::http_server(asio::io_context& context, std::string_view listen, api_handler handler)
    : state_(std::make_shared<state>(context, std::move(handler))) {
  const auto at = parse_listen(listen);
  auto& acceptor = state_->acceptor;
  boost::system::error_code ec;
  acceptor.open(at.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(at, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw core::config_error(fmt::format("--listen {}: cannot listen: {}", listen, ec.message()));
  asio::co_spawn(context, state_->accept_loop(), asio::detached);
}

http_server::~http_server() {
  stop();
  state_->workers.stop();
  state_->workers.join();
}

std::uint16_t http_server::port() const {
  return state_->acceptor.local_endpoint().port();
}

void http_server::stop() {
  asio::post(state_->context, [s = state_] {
    if (s->stopped) return;
    s->stopped = true;
    boost::system::error_code ignored;
    s->acceptor.close(ignored);
    for (auto* stream : s->sessions) stream->socket().close(ignored);
  });
}

}  // namespace fleetcheck::serve
