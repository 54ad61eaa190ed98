// gRPC health over HTTP/2 for the mock: an nghttp2 server session driven by one coroutine on the
// connection's socket (plain h2c, or TLS with ALPN h2), as the probe drives its client session.
// The service a call asks about chooses the answer, so that one mock fleet serves every status and
// fault: see grpc_services().
#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <nghttp2/nghttp2.h>
#include <openssl/ssl.h>

#include "mock/mock_session.hpp"

namespace fleetcheck::mock {
namespace {

namespace asio = net::asio;
using asio::ip::tcp;

constexpr std::string_view health_path = "/grpc.health.v1.Health/Check";
constexpr std::size_t most_request_bytes = 64 * 1024;

/// What one call gets, by the service it asks about.
enum class answer {
  serving,
  not_serving,
  service_unknown,
  unknown,
  not_found,      // any service the mock does not know (a real server's answer)
  unimplemented,  // trailers-only grpc-status 12, as from a server without the health service
  rst_stream,     // RST_STREAM INTERNAL_ERROR instead of an answer
  goaway,         // GOAWAY ENHANCE_YOUR_CALM (our stream not processed), then close
  garbage,        // bytes that are not HTTP/2, then close
  hang,           // never answers; keeps the connection
  http_503,       // :status 503 text/plain, no grpc-status (a proxy's error page)
  compressed,     // the response message with its compressed flag set
  not_grpc,       // :status 200 text/html, no grpc-status (an HTTP/2 web server)
};

constexpr std::array<std::pair<std::string_view, answer>, 13> services = {{
    {"", answer::serving},
    {"serving", answer::serving},
    {"not-serving", answer::not_serving},
    {"service-unknown", answer::service_unknown},
    {"unknown", answer::unknown},
    {"unimplemented", answer::unimplemented},
    {"rst-stream", answer::rst_stream},
    {"goaway", answer::goaway},
    {"garbage", answer::garbage},
    {"hang", answer::hang},
    {"http-503", answer::http_503},
    {"compressed", answer::compressed},
    {"not-grpc", answer::not_grpc},
}};

answer answer_for(std::string_view service) {
  for (const auto& [name, a] : services) {
    if (name == service) return a;
  }
  return answer::not_found;
}

/// HealthCheckRequest.service from a request body; "" when it has none or cannot be read (the
/// mock is lenient: the probe is what is under test).
std::string service_of(std::string_view body) {
  if (body.size() < 5) return {};
  std::string_view message = body.substr(5);
  std::size_t at = 0;
  while (at < message.size()) {
    const auto tag = static_cast<unsigned char>(message[at++]);
    std::size_t length = 0;
    for (int shift = 0; at < message.size() && shift < 28; shift += 7) {
      const auto b = static_cast<unsigned char>(message[at++]);
      length |= static_cast<std::size_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    if ((tag & 7) != 2 || length > message.size() - at) return {};
    if (tag >> 3 == 1) return std::string(message.substr(at, length));
    at += length;
  }
  return {};
}

/// A HealthCheckResponse for `status` in a length-prefixed message; proto3 leaves 0 out.
std::string health_response(std::uint8_t status, bool compressed_flag) {
  std::string message;
  if (status != 0) message = {'\x08', static_cast<char>(status)};
  std::string out(5, '\0');
  out[0] = compressed_flag ? '\x01' : '\0';
  out[4] = static_cast<char>(message.size());
  return out + message;
}

struct stream_state {
  std::string path;
  std::string body;
  std::string response;  // DATA to send
  std::size_t sent = 0;
  bool trailers = false;  // send grpc-status OK trailers after the DATA
};

/// One connection's server session and what it has been asked.
struct grpc_connection {
  nghttp2_session* session = nullptr;
  std::map<std::int32_t, stream_state> streams;
  std::deque<std::int32_t> ready;  // requests complete, not yet answered

  ~grpc_connection() { nghttp2_session_del(session); }

  static grpc_connection& self(void* p) { return *static_cast<grpc_connection*>(p); }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      self(user_data).streams[frame->hd.stream_id];
    }
    return 0;
  }
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t, void* user_data) {
    auto& c = self(user_data);
    const auto it = c.streams.find(frame->hd.stream_id);
    if (it == c.streams.end()) return 0;
    if (std::string_view(reinterpret_cast<const char*>(name), namelen) == ":path") {
      it->second.path.assign(reinterpret_cast<const char*>(value),
                             std::min<std::size_t>(valuelen, 1024));
    }
    return 0;
  }
  static int on_data(nghttp2_session* session, std::uint8_t, std::int32_t stream_id,
                     const std::uint8_t* data, std::size_t len, void* user_data) {
    auto& c = self(user_data);
    const auto it = c.streams.find(stream_id);
    if (it == c.streams.end()) return 0;
    if (it->second.body.size() + len > most_request_bytes) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_REFUSED_STREAM);
      return 0;
    }
    it->second.body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }
  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto& c = self(user_data);
    const bool request_frame = frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA;
    if (request_frame && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0 &&
        c.streams.contains(frame->hd.stream_id)) {
      c.ready.push_back(frame->hd.stream_id);
    }
    return 0;
  }
  static int on_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t, void* user_data) {
    self(user_data).streams.erase(stream_id);
    return 0;
  }
  static ssize_t read_response(nghttp2_session* session, std::int32_t stream_id, std::uint8_t* buf,
                               std::size_t length, std::uint32_t* flags, nghttp2_data_source*,
                               void* user_data) {
    auto& c = self(user_data);
    const auto it = c.streams.find(stream_id);
    if (it == c.streams.end()) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    auto& st = it->second;
    const auto n = std::min(length, st.response.size() - st.sent);
    std::copy_n(st.response.data() + st.sent, n, buf);
    st.sent += n;
    if (st.sent == st.response.size()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      if (st.trailers) {
        *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        const nghttp2_nv trailer[] = {
            {(std::uint8_t*)"grpc-status", (std::uint8_t*)"0", 11, 1, NGHTTP2_NV_FLAG_NONE}};
        nghttp2_submit_trailer(session, stream_id, trailer, 1);
      }
    }
    return static_cast<ssize_t>(n);
  }
};

nghttp2_nv field(std::string_view name, std::string_view value) {
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
          value.size(), NGHTTP2_NV_FLAG_NONE};
}

/// A response with no DATA: :status 200 and the gRPC status in the one HEADERS frame.
void trailers_only(nghttp2_session* session, std::int32_t id, std::string_view code,
                   std::string_view message) {
  const nghttp2_nv fields[] = {field(":status", "200"), field("content-type", "application/grpc"),
                               field("grpc-status", code), field("grpc-message", message)};
  nghttp2_submit_response(session, id, fields, std::size(fields), nullptr);
}

/// Queues the answer for call `id`; says whether the connection should end after it is sent
/// (and, for garbage, what to write instead of HTTP/2).
enum class then { go_on, close, garbage };
then answer_call(grpc_connection& c, std::int32_t id) {
  auto& st = c.streams[id];
  nghttp2_data_provider data{};
  data.read_callback = grpc_connection::read_response;
  const nghttp2_nv ok[] = {field(":status", "200"), field("content-type", "application/grpc")};
  if (st.path != health_path) {
    trailers_only(c.session, id, "12", fmt::format("unknown method {}", st.path.substr(0, 100)));
    return then::go_on;
  }
  const auto service = service_of(st.body);
  const auto serve_status = [&](std::uint8_t status, bool compressed) {
    st.response = health_response(status, compressed);
    st.trailers = true;
    nghttp2_submit_response(c.session, id, ok, std::size(ok), &data);
  };
  switch (answer_for(service)) {
    case answer::serving:
      serve_status(1, false);
      break;
    case answer::not_serving:
      serve_status(2, false);
      break;
    case answer::service_unknown:
      serve_status(3, false);
      break;
    case answer::unknown:
      serve_status(0, false);
      break;
    case answer::compressed:
      serve_status(1, true);
      break;
    case answer::not_found:
      trailers_only(c.session, id, "5", fmt::format("unknown service {}", service.substr(0, 100)));
      break;
    case answer::unimplemented:
      // grpc-message is percent-encoded (here ':'), as the spec asks and grpc-go does.
      trailers_only(c.session, id, "12",
                    "unknown service grpc.health.v1.Health%3A no health checks here");
      break;
    case answer::rst_stream:
      nghttp2_submit_rst_stream(c.session, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
      break;
    case answer::goaway: {
      static constexpr std::string_view why = "too many pings";
      nghttp2_submit_goaway(c.session, NGHTTP2_FLAG_NONE, 0, NGHTTP2_ENHANCE_YOUR_CALM,
                            reinterpret_cast<const std::uint8_t*>(why.data()), why.size());
      return then::close;
    }
    case answer::garbage:
      return then::garbage;
    case answer::hang:
      break;
    case answer::http_503: {
      const nghttp2_nv fields[] = {field(":status", "503"), field("content-type", "text/plain")};
      st.response = "upstream overloaded\n";
      nghttp2_submit_response(c.session, id, fields, std::size(fields), &data);
      break;
    }
    case answer::not_grpc: {
      const nghttp2_nv fields[] = {field(":status", "200"), field("content-type", "text/html")};
      st.response = "<html>hello</html>\n";
      nghttp2_submit_response(c.session, id, fields, std::size(fields), &data);
      break;
    }
  }
  return then::go_on;
}

/// Ends a connection the way a real server does after GOAWAY or a fatal error: FIN, then read
/// (and drop) what the client still sends until it closes, for at most a second. Closing at once
/// with the client's frames unread would send RST, and the client could lose the bytes written
/// before it (the GOAWAY, the garbage) that the fault is about.
template <class Stream>
asio::awaitable<void> close_gracefully(Stream& stream, std::span<char> buffer) {
  boost::system::error_code ignored;
  auto& socket = stream.lowest_layer();
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  asio::steady_timer limit(co_await asio::this_coro::executor, std::chrono::seconds(1));
  limit.async_wait([&socket](boost::system::error_code ec) {
    boost::system::error_code ignored_too;
    if (!ec) socket.close(ignored_too);
  });
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                                   net::use_nothrow);
    if (ec) break;
  }
  limit.cancel();
}

template <class Stream>
asio::awaitable<void> serve_calls(Stream& stream, const service_behaviour& behaviour) {
  grpc_connection c;
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) co_return;
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks,
                                                          grpc_connection::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, grpc_connection::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, grpc_connection::on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, grpc_connection::on_frame);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, grpc_connection::on_close);
  const int created = nghttp2_session_server_new(&c.session, callbacks, &c);
  nghttp2_session_callbacks_del(callbacks);
  if (created != 0) co_return;
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100}};
  nghttp2_submit_settings(c.session, NGHTTP2_FLAG_NONE, settings, std::size(settings));

  asio::steady_timer delay(co_await asio::this_coro::executor);
  std::array<char, 16 * 1024> buffer;
  bool closing = false;
  for (;;) {
    std::string out;
    for (;;) {
      const std::uint8_t* data = nullptr;
      const auto n = nghttp2_session_mem_send(c.session, &data);
      if (n <= 0) break;
      out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    if (!out.empty()) {
      auto [ec, n] = co_await asio::async_write(stream, asio::buffer(out), net::use_nothrow);
      if (ec) co_return;
    }
    if (closing) {
      co_await close_gracefully(stream, buffer);
      co_return;
    }
    if (!c.ready.empty()) {
      const auto id = c.ready.front();
      c.ready.pop_front();
      behaviour.served->fetch_add(1, std::memory_order_relaxed);
      delay.expires_after(response_delay(*behaviour.options));
      if (auto [ec] = co_await delay.async_wait(net::use_nothrow); ec) co_return;
      switch (answer_call(c, id)) {
        case then::go_on:
          break;
        case then::close:
          closing = true;
          break;
        case then::garbage: {
          static constexpr std::string_view junk = "\x16\x03\x01 this is not HTTP/2 \xff\xfe\r\n";
          co_await asio::async_write(stream, asio::buffer(junk.data(), junk.size()),
                                     net::use_nothrow);
          co_await close_gracefully(stream, buffer);
          co_return;
        }
      }
      continue;
    }
    if (nghttp2_session_want_read(c.session) == 0 && nghttp2_session_want_write(c.session) == 0) {
      co_return;
    }
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(buffer), net::use_nothrow);
    if (ec) co_return;
    if (nghttp2_session_mem_recv(c.session, reinterpret_cast<const std::uint8_t*>(buffer.data()),
                                 n) < 0) {
      co_return;
    }
  }
}

int select_h2(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
              unsigned int inlen, void*) {
  // Only h2: a client that does not offer it gets no ALPN, and then no gRPC.
  if (nghttp2_select_next_protocol(const_cast<unsigned char**>(out), outlen, in, inlen) == 1) {
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

std::string_view grpc_services() {
  return "'' or serving: SERVING; not-serving, service-unknown, unknown: those statuses; "
         "unimplemented: grpc-status 12; rst-stream: RST_STREAM; goaway: GOAWAY and close; "
         "garbage: bytes that are not HTTP/2; hang: no answer; http-503: :status 503; "
         "compressed: a compressed message; not-grpc: an HTML page; any other: grpc-status 5 "
         "NOT_FOUND";
}

void offer_h2(asio::ssl::context& tls) {
  SSL_CTX_set_alpn_select_cb(tls.native_handle(), select_h2, nullptr);
}

asio::awaitable<void> serve_grpc(tcp::socket socket, service_behaviour behaviour) {
  if (behaviour.tls == nullptr) {
    co_await serve_calls(socket, behaviour);
    co_return;
  }
  asio::ssl::stream<tcp::socket> stream(std::move(socket), *behaviour.tls);
  if (!co_await accept_tls(stream)) co_return;
  co_await serve_calls(stream, behaviour);
}

}  // namespace fleetcheck::mock
