// How I/O errors become failure kinds and sentences (no sockets: the codes are made up).
#include "probe/classify.hpp"

#include <cerrno>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <gtest/gtest.h>

using namespace fleetcheck;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using core::failure;
using core::probe_phase;

namespace {
const probe::failure_context about{"api.internal", 65536, 65536};
}

TEST(classify, names_each_family_of_error) {
  const auto k = [](boost::system::error_code ec, probe_phase p = probe_phase::first_byte,
                    std::size_t bytes = 0) { return probe::classify(ec, p, bytes, about); };
  EXPECT_EQ(k(asio::error::connection_refused).kind, failure::connection_refused);
  EXPECT_EQ(k(asio::error::connection_refused).message, "connection refused");
  EXPECT_EQ(k(asio::error::connection_reset).message,
            "connection reset by peer while waiting for response");
  EXPECT_EQ(k(asio::error::host_not_found, probe_phase::resolve).kind, failure::resolve_failed);
  EXPECT_EQ(k(asio::error::host_unreachable).kind, failure::unreachable);
  EXPECT_EQ(k(http::error::body_limit).message,
            "response body exceeds the 65536 byte limit (max_body)");
  EXPECT_EQ(k(http::error::header_limit).kind, failure::headers_too_large);
  EXPECT_EQ(k(http::error::bad_version).kind, failure::malformed_response);
  EXPECT_EQ(k(http::error::bad_version).message, "malformed HTTP response (bad version)");
  EXPECT_EQ(k(asio::error::eof).message, "connection closed by server without a response");
  EXPECT_EQ(k(http::error::partial_message, probe_phase::transfer, 79).message,
            "connection closed mid-response after 79 bytes");
  EXPECT_EQ(k(asio::error::eof, probe_phase::transfer, 10).kind, failure::connection_closed);
}

TEST(classify, timeouts_are_left_for_the_judge_to_word) {
  const auto t = probe::classify(boost::beast::error::timeout, probe_phase::tls, 0, about);
  EXPECT_EQ(t.kind, failure::timeout);
  EXPECT_EQ(t.phase, probe_phase::tls);
  EXPECT_EQ(t.message, "");
}

TEST(classify, back_pressure_is_running_out_of_descriptors_or_ports) {
  EXPECT_TRUE(probe::is_back_pressure({EMFILE, boost::system::system_category()}));
  EXPECT_TRUE(probe::is_back_pressure({EADDRNOTAVAIL, boost::system::system_category()}));
  EXPECT_FALSE(probe::is_back_pressure(asio::error::connection_refused));
}

TEST(excerpt, is_printable_one_line_and_short) {
  EXPECT_EQ(probe::excerpt("-NOAUTH\r\n"), "-NOAUTH\\r\\n");
  EXPECT_EQ(probe::excerpt("\xff\x01ok"), "\\xff\\x01ok");
  EXPECT_EQ(probe::excerpt(std::string(100, 'a')), std::string(60, 'a') + "...");
}
