// Requests and redirects, as values.
#include <gtest/gtest.h>

#include "fleetcheck/config/target_url.hpp"
#include "probe/http/request.hpp"

using namespace fleetcheck;

namespace {

probe::request_line line_for(const std::string& url, const std::string& method = "GET") {
  core::check_settings s;
  s.http.request.method = method;
  if (method == "POST") s.http.request.body = "{}";
  const auto t = config::target_from_url(url, s);
  return probe::request_line_of(std::get<core::http_spec>(t->spec), t->settings);
}

}  // namespace

TEST(redirect, resolves_relative_and_absolute_locations) {
  const auto from = line_for("http://api.test:8080/a/b?x=1");
  const auto rel = probe::follow(from, 302, "c?y=2");
  ASSERT_TRUE(rel);
  EXPECT_EQ(rel->at.host, "api.test");
  EXPECT_EQ(rel->at.port, 8080);
  EXPECT_EQ(rel->path, "/a/c?y=2");
  const auto abs = probe::follow(from, 301, "https://login.test/sso");
  ASSERT_TRUE(abs);
  EXPECT_TRUE(abs->tls);
  EXPECT_EQ(abs->at.host, "login.test");
  EXPECT_EQ(abs->at.port, 443);
  EXPECT_EQ(abs->path, "/sso");
  const auto root = probe::follow(from, 307, "/");
  EXPECT_EQ(root->path, "/");
}

TEST(redirect, see_other_and_post_redirects_continue_as_get) {
  const auto post = line_for("http://api.test/submit", "POST");
  EXPECT_EQ(probe::follow(post, 303, "/done")->method, "GET");
  EXPECT_EQ(probe::follow(post, 302, "/done")->method, "GET");
  EXPECT_EQ(probe::follow(post, 302, "/done")->body, "");
  EXPECT_EQ(probe::follow(post, 307, "/again")->method, "POST");
  EXPECT_EQ(probe::follow(post, 308, "/again")->body, "{}");
}

TEST(redirect, refuses_what_it_cannot_follow) {
  const auto from = line_for("http://api.test/");
  EXPECT_EQ(probe::follow(from, 302, "ftp://files.test/x").error(),
            "redirect to unsupported URL 'ftp://files.test/x'");
  EXPECT_FALSE(probe::follow(from, 302, "http://[::1/"));
  EXPECT_FALSE(probe::follow(from, 302, "http:///nohost"));
}

TEST(request, is_http11_with_close_and_the_right_host_header) {
  core::check_settings s;
  s.http.request.headers.emplace_back("X-Team", "sre");
  const auto t = *config::target_from_url("http://[::1]:9000/health?deep=1", s);
  const auto req = probe::make_request(
      t.settings, probe::request_line_of(std::get<core::http_spec>(t.spec), t.settings));
  EXPECT_EQ(req.version(), 11);
  EXPECT_EQ(req.target(), "/health?deep=1");
  EXPECT_EQ(req[boost::beast::http::field::host], "[::1]:9000");
  EXPECT_EQ(req[boost::beast::http::field::connection], "close");
  EXPECT_EQ(req["X-Team"], "sre");
  EXPECT_TRUE(probe::is_redirect(308));
  EXPECT_FALSE(probe::is_redirect(304));
}
