#include "probe/grpc/health_call.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>
#include <nghttp2/nghttp2.h>

#include "probe/classify.hpp"
#include "probe/grpc/health_message.hpp"

namespace fleetcheck::probe::grpc {
namespace {

constexpr std::string_view path = "/grpc.health.v1.Health/Check";
constexpr std::size_t kept_first_bytes = 64;
constexpr std::uint32_t max_frame_size = 16384;  // SETTINGS_MAX_FRAME_SIZE's default; we keep it

/// HTTP/2 error codes by name (RFC 9113 §7), for messages.
std::string h2_error_name(std::uint32_t code) {
  static constexpr std::array<std::string_view, 14> names = {"NO_ERROR",
                                                             "PROTOCOL_ERROR",
                                                             "INTERNAL_ERROR",
                                                             "FLOW_CONTROL_ERROR",
                                                             "SETTINGS_TIMEOUT",
                                                             "STREAM_CLOSED",
                                                             "FRAME_SIZE_ERROR",
                                                             "REFUSED_STREAM",
                                                             "CANCEL",
                                                             "COMPRESSION_ERROR",
                                                             "CONNECT_ERROR",
                                                             "ENHANCE_YOUR_CALM",
                                                             "INADEQUATE_SECURITY",
                                                             "HTTP_1_1_REQUIRED"};
  if (code < names.size()) return std::string(names[code]);
  return fmt::format("error code 0x{:x}", code);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

/// Headers HTTP/2 forbids (RFC 9113 §8.2.2) or that the call sets itself.
bool is_reserved(std::string_view name) {
  static constexpr std::string_view reserved[] = {
      "connection", "keep-alive",   "proxy-connection", "transfer-encoding", "upgrade",
      "te",         "content-type", "content-length",   "grpc-timeout"};
  return name.empty() || name.front() == ':' ||
         std::find(std::begin(reserved), std::end(reserved), name) != std::end(reserved);
}

std::optional<int> number_of(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

struct health_call::impl {
  call_request request;
  std::string body;  // the length-prefixed request message
  std::size_t body_sent = 0;
  nghttp2_session* session = nullptr;
  std::int32_t stream_id = -1;
  std::size_t header_bytes = 0;
  bool answered = false;
  bool failed = false;     // the session cannot go on (a callback refused, or nghttp2 gave up)
  bool first_call = true;  // the session's first bytes are still to come
  call_response response;

  void submit(const call_request& next);

  ~impl() { nghttp2_session_del(session); }

  static impl& self(void* user_data) { return *static_cast<impl*>(user_data); }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t, void* user_data) {
    auto& s = self(user_data);
    if (frame->hd.stream_id != s.stream_id) return 0;
    // nghttp2 caps one field; this caps the whole response (headers and trailers), counted as
    // HTTP/2 counts header list sizes.
    s.header_bytes += namelen + valuelen + 32;
    if (s.header_bytes > s.request.max_header_bytes) {
      s.response.headers_too_large = true;
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    const std::string_view n(reinterpret_cast<const char*>(name), namelen);
    const std::string_view v(reinterpret_cast<const char*>(value), valuelen);
    auto& r = s.response;
    if (n == ":status") {
      r.http_status = number_of(v);
    } else if (n == "content-type") {
      r.content_type = std::string(v.substr(0, 256));
    } else if (n == "grpc-status") {
      // A value that is not a number is a status we cannot read: UNKNOWN, as grpc-go does.
      r.grpc_status = number_of(v).value_or(2);
    } else if (n == "grpc-message") {
      r.grpc_message = percent_decode(v.substr(0, 1024));
    }
    return 0;
  }

  static int on_begin_frame(nghttp2_session*, const nghttp2_frame_hd* hd, void* user_data) {
    // nghttp2 skips unknown frame types whatever their length; a frame larger than the 16 KiB
    // every peer must accept (we never allow more) is not HTTP/2 but bytes that look like a
    // header: garbage, or a TLS record on a cleartext port.
    if (hd->length > max_frame_size) {
      auto& r = self(user_data).response;
      if (r.protocol_error.empty()) {
        r.protocol_error = fmt::format("a frame of {} bytes (type 0x{:02x}), past the {} allowed",
                                       hd->length, hd->type, max_frame_size);
      }
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return 0;
  }

  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t stream_id,
                     const std::uint8_t* data, std::size_t len, void* user_data) {
    auto& s = self(user_data);
    if (stream_id != s.stream_id) return 0;
    // Room for one message of the cap and its prefix; past that it is not a health answer.
    if (s.response.message.size() + len > s.request.max_message_bytes + 5) {
      s.response.message_too_large = true;
      return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    s.response.message.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    auto& s = self(user_data);
    auto& r = s.response;
    switch (frame->hd.type) {
      case NGHTTP2_HEADERS:
      case NGHTTP2_DATA:
        if (frame->hd.stream_id != s.stream_id) break;
        if (frame->hd.type == NGHTTP2_HEADERS) s.answered = true;
        if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) r.end_stream = true;
        break;
      case NGHTTP2_RST_STREAM:
        if (frame->hd.stream_id == s.stream_id) {
          r.reset_code = frame->rst_stream.error_code;
          if (*r.reset_code == NGHTTP2_REFUSED_STREAM) r.refused = true;
        }
        break;
      case NGHTTP2_GOAWAY: {
        // Only a GOAWAY that leaves our stream out, or says something is wrong, ends the call;
        // a graceful one (NO_ERROR, our stream included) lets the answer still come.
        const auto& g = frame->goaway;
        if (g.last_stream_id < s.stream_id) r.refused = true;
        if (g.last_stream_id < s.stream_id || g.error_code != NGHTTP2_NO_ERROR) {
          r.goaway_code = g.error_code;
          r.goaway_debug.assign(reinterpret_cast<const char*>(g.opaque_data),
                                std::min<std::size_t>(g.opaque_data_len, 256));
        }
        break;
      }
      default:
        break;
    }
    return 0;
  }

  static int on_frame_sent(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    // nghttp2 ends a session that broke the protocol with a GOAWAY of its own, its reason in
    // the debug data ("too large frame size", "SETTINGS expected"): that is the error to report.
    auto& r = self(user_data).response;
    if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR &&
        r.protocol_error.empty()) {
      const std::string_view debug(reinterpret_cast<const char*>(frame->goaway.opaque_data),
                                   std::min<std::size_t>(frame->goaway.opaque_data_len, 200));
      r.protocol_error =
          debug.empty() ? h2_error_name(frame->goaway.error_code)
                        : fmt::format("{} ({})", debug, h2_error_name(frame->goaway.error_code));
    }
    return 0;
  }

  static int on_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t, void* user_data) {
    auto& s = self(user_data);
    if (stream_id == s.stream_id) s.response.stream_closed = true;
    return 0;
  }

  static int on_error(nghttp2_session*, int, const char* msg, std::size_t len, void* user_data) {
    auto& r = self(user_data).response;
    if (r.protocol_error.empty()) r.protocol_error.assign(msg, std::min<std::size_t>(len, 256));
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source*, void* user_data) {
    auto& s = self(user_data);
    const auto n = std::min(length, s.body.size() - s.body_sent);
    std::copy_n(s.body.data() + s.body_sent, n, buf);
    s.body_sent += n;
    if (s.body_sent == s.body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
};

health_call::health_call(const call_request& request) : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) throw std::bad_alloc();
  nghttp2_session_callbacks_set_on_header_callback(callbacks, impl::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, impl::on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, impl::on_frame);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, impl::on_close);
  nghttp2_session_callbacks_set_error_callback2(callbacks, impl::on_error);
  nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks, impl::on_begin_frame);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, impl::on_frame_sent);
  const int created = nghttp2_session_client_new(&s.session, callbacks, &s);
  nghttp2_session_callbacks_del(callbacks);
  if (created != 0) throw std::bad_alloc();

  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 0},  // we accept no streams from the server
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
       static_cast<std::uint32_t>(std::min<std::size_t>(request.max_header_bytes, 1u << 30))},
  };
  nghttp2_submit_settings(s.session, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  s.submit(request);
}

void health_call::impl::submit(const call_request& next) {
  request = next;
  body = encode_health_request(request.service);
  body_sent = 0;
  header_bytes = 0;
  answered = false;
  response = call_response{};

  const std::string scheme = request.tls ? "https" : "http";
  std::string authority = request.authority;
  std::string user_agent = "fleetcheck";
  std::vector<std::pair<std::string, std::string>> extra;
  for (const auto& [name, value] : request.metadata) {
    auto n = lower(name);
    if (n == "host") {
      authority = value;
    } else if (n == "user-agent") {
      user_agent = value;
    } else if (!is_reserved(n)) {
      extra.emplace_back(std::move(n), value);
    }
  }
  std::vector<std::pair<std::string_view, std::string_view>> fields = {
      {":method", "POST"},
      {":scheme", scheme},
      {":path", path},
      {":authority", authority},
      {"content-type", "application/grpc"},
      {"te", "trailers"},
      {"user-agent", user_agent},
  };
  std::string timeout;
  if (request.timeout) {
    timeout = grpc_timeout_value(*request.timeout);
    fields.emplace_back("grpc-timeout", timeout);
  }
  for (const auto& [n, v] : extra) fields.emplace_back(n, v);
  std::vector<nghttp2_nv> nva;
  nva.reserve(fields.size());
  for (const auto& [n, v] : fields) {
    nva.push_back(nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data())),
                             reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), n.size(),
                             v.size(), NGHTTP2_NV_FLAG_NONE});  // nghttp2 copies names and values
  }
  nghttp2_data_provider provider{};
  provider.read_callback = impl::read_body;
  stream_id = nghttp2_submit_request(session, nullptr, nva.data(), nva.size(), &provider, nullptr);
  if (stream_id < 0) {
    failed = true;
    response.protocol_error =
        fmt::format("cannot send the request: {}", nghttp2_strerror(stream_id));
  }
}

bool health_call::can_call_again() const {
  const auto& s = *impl_;
  const auto& r = s.response;
  // The last call ended as HTTP/2 means (END_STREAM, no reset but NO_ERROR), nothing is wrong
  // with the session, and the server has not said it is going away (a GOAWAY, even a graceful
  // one, forbids new streams: nghttp2 checks that, and that stream ids are left).
  return !s.failed && r.protocol_error.empty() && !r.goaway_code && r.stream_closed &&
         r.end_stream && (!r.reset_code || *r.reset_code == NGHTTP2_NO_ERROR) &&
         nghttp2_session_want_read(s.session) != 0 &&
         nghttp2_session_check_request_allowed(s.session) != 0;
}

void health_call::call_again(const call_request& request) {
  impl_->first_call = false;
  impl_->submit(request);
}

health_call::~health_call() = default;

std::string health_call::take_output() {
  auto& s = *impl_;
  std::string out;
  if (s.failed) return out;
  for (;;) {
    const std::uint8_t* data = nullptr;
    const auto n = nghttp2_session_mem_send(s.session, &data);
    if (n < 0) {
      s.failed = true;
      if (s.response.protocol_error.empty()) s.response.protocol_error = nghttp2_strerror(int(n));
      break;
    }
    if (n == 0) break;
    out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  }
  return out;
}

void health_call::feed(std::string_view bytes) {
  auto& s = *impl_;
  if (s.failed || bytes.empty()) return;
  auto& first = s.response.first_bytes;
  if (s.first_call && first.size() < kept_first_bytes) {
    first.append(bytes.substr(0, kept_first_bytes - first.size()));
    // An HTTP/1.x server answers our preface with a status line, and may keep the connection
    // open after it: decided now, not at the timeout. (HTTP/2's first frame, SETTINGS, cannot
    // begin with these bytes: its type byte would be 'P'.)
    if (first.starts_with("HTTP/")) {
      s.failed = true;
      return;
    }
  }
  const auto n = nghttp2_session_mem_recv(
      s.session, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  if (n < 0) {
    s.failed = true;
    if (s.response.protocol_error.empty()) s.response.protocol_error = nghttp2_strerror(int(n));
    return;
  }
  // nghttp2 ends the session on a connection error (a frame too large, a bad first frame)
  // without always saying why: no longer wanting to read with our stream open means that.
  if (!s.response.stream_closed && !s.response.goaway_code &&
      nghttp2_session_want_read(s.session) == 0 && s.response.protocol_error.empty()) {
    s.response.protocol_error = "frames HTTP/2 does not allow";
  }
}

bool health_call::finished() const {
  const auto& s = *impl_;
  return s.failed || s.response.stream_closed || s.response.goaway_code.has_value() ||
         (nghttp2_session_want_read(s.session) == 0 && nghttp2_session_want_write(s.session) == 0);
}

bool health_call::answered() const {
  return impl_->answered;
}

const call_response& health_call::response() const {
  return impl_->response;
}

call_verdict judge_call(const call_response& r, std::size_t max_message_bytes) {
  call_verdict v;
  v.facts.status_code = r.grpc_status;
  const auto fail = [&](core::failure kind, std::string message) {
    v.failed = check::transport_failure{kind, core::probe_phase::transfer, std::move(message), 0};
    return v;
  };
  if (r.headers_too_large) {
    return fail(core::failure::headers_too_large,
                "the response's headers exceed the size limit (max_header)");
  }
  if (r.message_too_large) {
    return fail(core::failure::body_too_large,
                fmt::format("the response message exceeds the {} byte limit", max_message_bytes));
  }
  if (r.first_bytes.starts_with("HTTP/")) {
    const auto line = std::string_view(r.first_bytes).substr(0, r.first_bytes.find('\r'));
    return fail(
        core::failure::malformed_response,
        fmt::format("the server speaks HTTP/1.x, not HTTP/2 (it answered '{}')", excerpt(line)));
  }
  // A server may end its response, then reset the stream with NO_ERROR to say it will not read
  // the rest of the request (RFC 9113 §8.1; nginx does): the response stands.
  const bool ended =
      r.stream_closed && r.end_stream && (!r.reset_code || *r.reset_code == NGHTTP2_NO_ERROR);
  if (!ended) {
    if (r.reset_code) {
      return fail(
          core::failure::connection_reset,
          fmt::format("the server reset the stream (RST_STREAM {})", h2_error_name(*r.reset_code)));
    }
    if (r.goaway_code) {
      return fail(core::failure::connection_closed,
                  fmt::format("the server sent GOAWAY ({}){}", h2_error_name(*r.goaway_code),
                              r.goaway_debug.empty() ? "" : ": " + excerpt(r.goaway_debug)));
    }
    if (!r.protocol_error.empty()) {
      return fail(core::failure::malformed_response,
                  fmt::format("not a valid HTTP/2 answer: {}", excerpt(r.protocol_error, 200)));
    }
    return fail(core::failure::connection_closed, "the HTTP/2 session ended before the call did");
  }
  if (!r.http_status) {
    return fail(core::failure::malformed_response, "the response has no :status");
  }
  if (*r.http_status != 200) {
    return fail(core::failure::malformed_response,
                fmt::format("HTTP/2 status {}, not 200: not a gRPC answer{}", *r.http_status,
                            r.grpc_status
                                ? fmt::format(" (grpc-status {})", status_code_name(*r.grpc_status))
                                : ""));
  }
  if (!r.grpc_status) {
    return fail(core::failure::malformed_response,
                fmt::format("the response has no grpc-status: not a gRPC server{}",
                            r.content_type.empty()
                                ? ""
                                : fmt::format(" (content-type '{}')", excerpt(r.content_type))));
  }
  if (*r.grpc_status != 0) {
    return fail(core::failure::grpc_error,
                fmt::format("gRPC status {} {}{}", *r.grpc_status, status_code_name(*r.grpc_status),
                            r.grpc_message.empty() ? "" : ": " + excerpt(r.grpc_message, 200)));
  }
  const auto decoded = decode_health_response(r.message, max_message_bytes);
  if (!decoded) {
    return fail(core::failure::malformed_response, "bad HealthCheckResponse: " + decoded.error());
  }
  // An enum field is an int32: a wider varint is cut to its low 32 bits, as every protobuf
  // decoder does (negative values come as ten-byte varints).
  const auto number = static_cast<std::int32_t>(static_cast<std::uint32_t>(decoded->status));
  const auto name = number >= 0 ? serving_status_name(static_cast<std::uint64_t>(number))
                                : std::optional<std::string_view>{};
  if (name) {
    v.facts.serving_status = std::string(*name);
    if (*name != "SERVING") v.wrong_answer = fmt::format("serving status {}", *name);
  } else {
    // A number the enum does not name is shown as that number, as protobuf's String() does
    // (so Gatus's [BODY] is {"status":"9"}).
    v.facts.serving_status = std::to_string(number);
    v.wrong_answer = fmt::format("serving status {} (not one grpc.health.v1 defines)", number);
  }
  return v;
}

std::string grpc_timeout_value(std::chrono::milliseconds left) {
  constexpr std::int64_t most = 99'999'999;  // the spec allows at most 8 digits
  return fmt::format("{}m", std::clamp<std::int64_t>(left.count(), 1, most));
}

}  // namespace fleetcheck::probe::grpc
