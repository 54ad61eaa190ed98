#pragma once
// Internal: `serve`'s HTTP/1.1 server (Beast): one session coroutine per connection on its own
// io_context, keep-alive, bounded request size and read/write timeouts. Handlers run on a small
// thread pool, so that a slow /api/v1/check never stalls other connections.

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "serve/api.hpp"

namespace fleetcheck::serve {

using api_handler = std::function<api_response(const api_request&)>;

class http_server {
 public:
  /// Binds `listen` ("127.0.0.1:9470", "[::1]:9470", ":9470" for every address) and starts
  /// accepting on `context`. Throws core::config_error naming --listen when it cannot bind.
  http_server(boost::asio::io_context& context, std::string_view listen, api_handler handler);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  std::uint16_t port() const;
  /// Stops accepting and closes every connection (from the context's thread or any other).
  void stop();

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace fleetcheck::serve
