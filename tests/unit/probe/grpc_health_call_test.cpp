// What an ended gRPC call means for the check (judge_call, with values), and the HTTP/2 client
// session fed bytes that are not what it expects.
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "probe/grpc/health_call.hpp"

using namespace fleetcheck;
using namespace fleetcheck::probe::grpc;
using ::testing::HasSubstr;
using namespace std::string_literals;

namespace {

call_response answered(int grpc_status, std::string message = "") {
  call_response r;
  r.http_status = 200;
  r.content_type = "application/grpc";
  r.grpc_status = grpc_status;
  r.message = std::move(message);
  r.stream_closed = r.end_stream = true;
  return r;
}

call_request some_request() {
  call_request r;
  r.authority = "h:1";
  return r;
}

}  // namespace

TEST(grpc_health_call, serving_is_an_answer_and_the_other_statuses_are_wrong_answers) {
  const auto ok = judge_call(answered(0, "\0\0\0\0\x02\x08\x01"s), 1024);
  EXPECT_FALSE(ok.failed.has_value());
  EXPECT_FALSE(ok.wrong_answer.has_value());
  EXPECT_EQ(ok.facts.serving_status, "SERVING");
  EXPECT_EQ(ok.facts.status_code, 0);
  const auto down = judge_call(answered(0, "\0\0\0\0\x02\x08\x02"s), 1024);
  EXPECT_EQ(down.wrong_answer, "serving status NOT_SERVING");
  const auto unknown = judge_call(answered(0, "\0\0\0\0\0"s), 1024);
  EXPECT_EQ(unknown.wrong_answer, "serving status UNKNOWN");
  const auto odd = judge_call(answered(0, "\0\0\0\0\x02\x08\x09"s), 1024);
  EXPECT_EQ(odd.wrong_answer, "serving status 9 (not one grpc.health.v1 defines)");
  EXPECT_EQ(odd.facts.serving_status, "9");  // as protobuf's String() and so Gatus show it
  // An enum is an int32: a wider varint keeps its low 32 bits (2^32 + 1 is SERVING), and a
  // negative number comes as a ten-byte varint.
  const auto wide = judge_call(answered(0, "\0\0\0\0\x06\x08\x81\x80\x80\x80\x10"s), 1024);
  EXPECT_EQ(wide.facts.serving_status, "SERVING");
  const auto negative =
      judge_call(answered(0, "\0\0\0\0\x0b\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s), 1024);
  EXPECT_EQ(negative.facts.serving_status, "-1");
  EXPECT_EQ(negative.wrong_answer, "serving status -1 (not one grpc.health.v1 defines)");
}

TEST(grpc_health_call, failures_name_what_went_wrong) {
  auto r = answered(14);
  r.grpc_message = "connection refused upstream";
  const auto unavailable = judge_call(r, 1024);
  ASSERT_TRUE(unavailable.failed.has_value());
  EXPECT_EQ(unavailable.failed->kind, core::failure::grpc_error);
  EXPECT_EQ(unavailable.failed->message, "gRPC status 14 UNAVAILABLE: connection refused upstream");
  EXPECT_EQ(unavailable.facts.status_code, 14);

  call_response reset;
  reset.stream_closed = true;
  reset.reset_code = 2;
  EXPECT_EQ(judge_call(reset, 1024).failed->message,
            "the server reset the stream (RST_STREAM INTERNAL_ERROR)");
  call_response goaway;
  goaway.goaway_code = 0xb;
  EXPECT_EQ(judge_call(goaway, 1024).failed->kind, core::failure::connection_closed);
  call_response http1;
  http1.first_bytes = "HTTP/1.1 400 Bad Request\r\nConnection: close";
  EXPECT_EQ(judge_call(http1, 1024).failed->message,
            "the server speaks HTTP/1.x, not HTTP/2 (it answered 'HTTP/1.1 400 Bad Request')");
  auto bad = answered(0, "\x01\0\0\0\x02\x08\x01"s);
  EXPECT_THAT(judge_call(bad, 1024).failed->message, HasSubstr("compressed"));
  auto headers = answered(0);
  headers.headers_too_large = true;
  EXPECT_EQ(judge_call(headers, 1024).failed->kind, core::failure::headers_too_large);
  auto no_status = answered(0);
  no_status.grpc_status.reset();
  EXPECT_THAT(judge_call(no_status, 1024).failed->message, HasSubstr("no grpc-status"));
  call_response nothing;
  EXPECT_EQ(judge_call(nothing, 1024).failed->message,
            "the HTTP/2 session ended before the call did");
}

TEST(grpc_health_call, sends_the_preface_and_the_request) {
  call_request request;
  request.authority = "127.0.0.1:50051";
  request.service = "svc";
  request.timeout = std::chrono::milliseconds(1500);
  request.metadata = {{"X-Api-Key", "k"}, {"Connection", "close"}};
  health_call call(request);
  const auto out = call.take_output();
  EXPECT_TRUE(out.starts_with("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
  EXPECT_THAT(out, HasSubstr("\0\0\0\0\x05\x0a\x03svc"s));  // the DATA payload
  EXPECT_FALSE(call.finished());
  EXPECT_FALSE(call.answered());
  EXPECT_EQ(grpc_timeout_value(std::chrono::milliseconds(1500)), "1500m");
  EXPECT_EQ(grpc_timeout_value(std::chrono::milliseconds(-3)), "1m");
  EXPECT_EQ(grpc_timeout_value(std::chrono::hours(100000)), "99999999m");
}

TEST(grpc_health_call, bytes_that_are_not_http2_end_the_session_with_an_error) {
  health_call call(some_request());
  (void)call.take_output();
  call.feed("HTTP/1.1 400 Bad Request\r\n\r\n");
  EXPECT_TRUE(call.finished());
  const auto v = judge_call(call.response(), 1024);
  ASSERT_TRUE(v.failed.has_value());
  EXPECT_EQ(v.failed->kind, core::failure::malformed_response);
}

TEST(grpc_health_call, random_bytes_never_crash_the_session) {
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    health_call call(some_request());
    (void)call.take_output();
    // A valid empty SETTINGS first half the time, so that frames past it are parsed too.
    std::string bytes = i % 2 == 0 ? "\0\0\0\x04\0\0\0\0\0"s : "";
    for (int n = static_cast<int>(rng() % 200); n > 0; --n) bytes += static_cast<char>(rng());
    for (std::size_t at = 0; at < bytes.size() && !call.finished(); at += 7) {
      call.feed(std::string_view(bytes).substr(at, 7));
      (void)call.take_output();
    }
    (void)judge_call(call.response(), 1024);
  }
}

TEST(grpc_health_call, reads_a_served_answer_split_anywhere) {
  // SETTINGS; HEADERS :status 200, content-type application/grpc; DATA SERVING; trailers
  // grpc-status 0 with END_STREAM (tests/fuzz/corpus/grpc/serving).
  const std::string server =
      "\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x20\x01\x04\x00\x00\x00\x01\x88\x00\x0c"
      "content-type\x10"
      "application/grpc\x00\x00\x07\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x02\x08\x01\x00\x00"
      "\x0f\x01\x05\x00\x00\x00\x01\x00\x0bgrpc-status\x01"
      "0"s;
  for (std::size_t step = 1; step <= server.size(); step += 13) {
    health_call call(some_request());
    (void)call.take_output();
    for (std::size_t at = 0; at < server.size(); at += step) {
      EXPECT_FALSE(call.finished());
      call.feed(std::string_view(server).substr(at, step));
    }
    EXPECT_TRUE(call.finished());
    EXPECT_TRUE(call.answered());
    const auto v = judge_call(call.response(), 1024);
    EXPECT_FALSE(v.failed.has_value()) << v.failed->message;
    EXPECT_EQ(v.facts.serving_status, "SERVING");
  }
}

namespace {

/// The serving answer above as frames of stream `id`, without the server's SETTINGS.
std::string serving_answer(std::uint8_t id, std::uint8_t status = 0x01) {
  const std::string i(1, static_cast<char>(id));
  return "\x00\x00\x20\x01\x04\x00\x00\x00"s + i +
         "\x88\x00\x0c"
         "content-type\x10"
         "application/grpc\x00\x00\x07\x00\x00\x00\x00\x00"s +
         i + "\x00\x00\x00\x00\x02\x08"s + static_cast<char>(status) +
         "\x00\x00\x0f\x01\x05\x00\x00\x00"s + i + "\x00\x0bgrpc-status\x01"s + "0";
}

}  // namespace

TEST(grpc_health_call, a_session_carries_call_after_call_as_new_streams) {
  health_call call(some_request());
  EXPECT_TRUE(call.take_output().starts_with("PRI * HTTP/2.0"));
  EXPECT_FALSE(call.can_call_again());  // the first call has not ended
  call.feed("\0\0\0\x04\0\0\0\0\0"s + serving_answer(1));
  ASSERT_TRUE(call.finished());
  EXPECT_EQ(call.response().grpc_status, 0);
  EXPECT_EQ(judge_call(call.response(), 1024).facts.serving_status, "SERVING");
  ASSERT_TRUE(call.can_call_again());

  call_request next = some_request();
  next.service = "svc";
  call.call_again(next);
  EXPECT_FALSE(call.finished());
  EXPECT_FALSE(call.answered());
  const auto out = call.take_output();
  EXPECT_FALSE(out.starts_with("PRI")) << "no second preface on the same connection";
  EXPECT_THAT(out, HasSubstr("\x01\x04\x00\x00\x00\x03"s));  // HEADERS of stream 3
  EXPECT_THAT(out, HasSubstr("\0\0\0\0\x05\x0a\x03svc"s));   // the new request's message
  call.feed(serving_answer(3, 0x02));
  ASSERT_TRUE(call.finished());
  const auto v = judge_call(call.response(), 1024);
  EXPECT_FALSE(v.failed.has_value()) << v.failed->message;
  EXPECT_EQ(v.wrong_answer, "serving status NOT_SERVING");  // this call's answer, not the last
  EXPECT_TRUE(call.can_call_again());
}

TEST(grpc_health_call, no_call_goes_on_a_session_the_server_is_leaving_or_broke) {
  // A GOAWAY (even NO_ERROR, our stream included) forbids new streams; a reset, a stream
  // without END_STREAM or a protocol error leaves the session in doubt.
  const std::string goaway_after = "\0\0\x08\x07\0\0\0\0\0\0\0\0\x01\0\0\0\0"s;
  const std::string reset = "\0\0\x04\x03\0\0\0\0\x01\0\0\0\x02"s;
  const std::string cases[] = {serving_answer(1) + goaway_after, reset,
                               "\0\0\0\x04\0\0\0\0\0"s + "\x00\x40\x00\x00\x00\x00\x00\x00\x01"s};
  for (const auto& bytes : cases) {
    health_call call(some_request());
    (void)call.take_output();
    call.feed("\0\0\0\x04\0\0\0\0\0"s + bytes);
    EXPECT_FALSE(call.can_call_again()) << testing::PrintToString(bytes);
  }
  // A GOAWAY that leaves our stream out: the call was refused, not processed.
  health_call refused(some_request());
  (void)refused.take_output();
  refused.feed("\0\0\0\x04\0\0\0\0\0"s + "\0\0\x08\x07\0\0\0\0\0\0\0\0\0\0\0\0\x0b"s);
  EXPECT_TRUE(refused.finished());
  EXPECT_TRUE(refused.response().refused);
  EXPECT_FALSE(refused.can_call_again());
}
