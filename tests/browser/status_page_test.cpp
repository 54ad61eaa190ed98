// The status page as a person sees it: `fleetcheck serve` against fleetcheck-mock (some services
// failing, one target with a hostile name), loaded by headless Chromium. The DOM is dumped after
// the scripts ran (--virtual-time-budget), or one open page is watched over the DevTools protocol
// while a service recovers; screenshots are written under the build directory (test-artifacts/).
// Skipped when chromium is not installed.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_server.hpp"
#include "devtools_pipe.hpp"
#include "run_process.hpp"
#include "serve_process.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;
using nlohmann::json;
using test_support::eventually;
using test_support::http_get;
using test_support::serve_process;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// A name and a group that run script if a view forgets to escape them: the title would change.
const std::string hostile_name = "<img src=x onerror=\"document.title='pwned'\">";
const std::string hostile_group = "</script><script>document.title='pwned2'</script>";

std::string yaml_quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string fleet_yaml(unsigned short base, bool broken) {
  const auto url = [&](int i) {
    return "http://127.0.0.1:" + std::to_string(base + i) + "/health";
  };
  return "defaults:\n  interval: 200ms\n  timeout: 1s\ntargets:\n"
         "  - name: api-ok\n    group: core\n    url: " +
         url(0) +
         "\n"
         "  - name: db-broken\n    group: core\n    url: " +
         url(1) + (broken ? "?status=500" : "") +
         "\n"
         "  - name: " +
         yaml_quoted(hostile_name) + "\n    group: " + yaml_quoted(hostile_group) +
         "\n    url: " + url(2) +
         "?fault=reset\n"
         "  - name: web\n    group: edge\n    url: " +
         url(3) + "\n";
}

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "page-" + std::to_string(::getpid()) + "-" + name;
}

/// The <tr> elements of the targets table, in order.
std::vector<std::string> rows_of(const std::string& dom) {
  std::vector<std::string> rows;
  const auto begin = dom.find("<tbody id=\"rows\">");
  const auto end = dom.find("</tbody>", begin);
  if (begin == std::string::npos || end == std::string::npos) return rows;
  for (auto at = dom.find("<tr", begin); at != std::string::npos && at < end;
       at = dom.find("<tr", at + 1)) {
    rows.push_back(dom.substr(at, dom.find("</tr>", at) - at));
  }
  return rows;
}

/// The number shown for `what` (data-count) in the summary line; -1 when absent.
int shown_count(const std::string& dom, const std::string& what) {
  std::smatch m;
  if (!std::regex_search(dom, m, std::regex("data-count=\"" + what + "\">(\\d+)<"))) return -1;
  return std::stoi(m[1]);
}

class status_page : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = test_support::find_program("chromium");
    timeout_ = test_support::find_program("timeout");  // bounds each run of the browser
    // Consecutive ports for the mock's services: retried a few times in case one was taken.
    for (int attempt = 0; attempt < 5 && !mock_; ++attempt) {
      base_ = test_support::free_port();
      auto mock = std::make_unique<test_support::child_server>(
          std::vector<std::string>{FLEETCHECK_MOCK_BIN, "--services", "4", "--base-port",
                                   std::to_string(base_), "--delay", "5ms"},
          temp_path("mock.log"));
      if (mock->wait_for_port(static_cast<unsigned short>(base_ + 3), 10)) mock_ = std::move(mock);
    }
    ASSERT_TRUE(mock_) << "fleetcheck-mock did not start";
    config_ = temp_path("fleet.yaml");
    std::ofstream(config_) << fleet_yaml(base_, true);
    serve_ = std::make_unique<serve_process>(std::vector<std::string>{"-c", config_});
    ASSERT_TRUE(serve_->wait_ready()) << serve_->log();
    ASSERT_TRUE(eventually([&] {
      const auto s = api("/api/v1/targets")["summary"];
      return s["unhealthy"] == 2 && s["healthy"] == 2;
    })) << serve_->log();
  }

  json api(const std::string& target) const {
    return json::parse(http_get(serve_->port(), target).body, nullptr, false);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(serve_->port()) + path;
  }

  /// Chromium's DOM of `path` once its scripts ran for 3 s of virtual time (or with scripts
  /// off), bounded by `timeout`; its own profile directory, so that tests do not share one.
  std::string dump(const std::string& path, bool scripts = true) {
    std::vector<std::string> argv{timeout_,
                                  "90",
                                  chromium_,
                                  "--headless=new",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--user-data-dir=" + profile()};
    if (scripts)
      argv.push_back("--virtual-time-budget=3000");
    else
      argv.push_back("--blink-settings=scriptEnabled=false");
    argv.push_back("--dump-dom");
    argv.push_back(url(path));
    const auto out = test_support::run_process(argv);
    EXPECT_EQ(out.exit_code, 0) << out.err;
    return out.out;
  }

  /// A screenshot of `path` at `width`x`height` into test-artifacts/`file`; its size in bytes.
  std::uintmax_t screenshot(const std::string& path, int width, int height, const std::string& file,
                            bool scripts = true) {
    std::filesystem::create_directories(FLEETCHECK_ARTIFACT_DIR);
    const auto png = std::string(FLEETCHECK_ARTIFACT_DIR) + "/" + file;
    std::filesystem::remove(png);
    const auto out = test_support::run_process(
        {timeout_, "90", chromium_, "--headless=new", "--no-sandbox", "--disable-gpu",
         "--hide-scrollbars", "--user-data-dir=" + profile(), "--virtual-time-budget=3000",
         "--window-size=" + std::to_string(width) + "," + std::to_string(height),
         "--screenshot=" + png, url(path)});
    EXPECT_EQ(out.exit_code, 0) << out.err;
    std::ifstream in(png, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    EXPECT_EQ(std::string(magic + 1, 3), "PNG") << png;
    return std::filesystem::exists(png) ? std::filesystem::file_size(png) : 0;
  }

  std::string profile() { return temp_path("chromium-" + std::to_string(++profiles_)); }

  void skip_without_chromium() {
    if (chromium_.empty()) {
      GTEST_SKIP() << "chromium is not installed (scripts/bootstrap installs the Debian package "
                      "chromium); the browser tests need it";
    }
  }

  std::string chromium_, timeout_;
  unsigned short base_ = 0;
  std::unique_ptr<test_support::child_server> mock_;
  std::string config_;
  std::unique_ptr<serve_process> serve_;
  int profiles_ = 0;
};

}  // namespace

TEST_F(status_page, lists_failing_targets_first_with_their_error_and_the_api_counts) {
  skip_without_chromium();
  const auto dom = dump("/");
  // The script fetched /api/v1/status and rebuilt the table: it marks the footer, and its rows
  // have no whitespace between them (the server's have a newline).
  EXPECT_THAT(dom, HasSubstr("data-live=\"1\""));
  EXPECT_THAT(dom, HasSubstr("</tr><tr"));
  const auto rows = rows_of(dom);
  ASSERT_EQ(rows.size(), 4u) << dom;
  EXPECT_THAT(rows[0], HasSubstr("class=\"st-unhealthy\""));
  EXPECT_THAT(rows[0], HasSubstr(">db-broken</a>"));
  EXPECT_THAT(rows[0], HasSubstr("HTTP 500 Internal Server Error, expected 2xx"));
  EXPECT_THAT(rows[1], HasSubstr("class=\"st-unhealthy\""));
  EXPECT_THAT(rows[1], HasSubstr("connection reset"));
  EXPECT_THAT(rows[2], HasSubstr("class=\"st-healthy\""));
  EXPECT_THAT(rows[3], HasSubstr("class=\"st-healthy\""));
  EXPECT_THAT(rows[2], HasSubstr("100.00%"));    // uptime over 24 h
  EXPECT_THAT(rows[2], HasSubstr("<polyline"));  // the latency sparkline
  const auto summary = api("/api/v1/targets")["summary"];
  for (const auto* what : {"healthy", "degraded", "unhealthy", "unknown", "total"}) {
    EXPECT_EQ(shown_count(dom, what), summary[what].get<int>()) << what;
  }
  EXPECT_THAT(dom, HasSubstr("4 matching"));
}

TEST_F(status_page, hostile_names_and_groups_stay_text) {
  skip_without_chromium();
  // The JSON carries them raw, as JSON: the script only ever sets them as text.
  EXPECT_THAT(http_get(serve_->port(), "/api/v1/status").head,
              HasSubstr("Content-Type: application/json"));
  for (const auto* path :
       {"/", "/?state=unhealthy",
        "/targets/%3Cimg%20src%3Dx%20onerror%3D%22document.title%3D%27pwned%27%22%3E"}) {
    const auto body = http_get(serve_->port(), path).body;
    EXPECT_THAT(body, Not(HasSubstr("<img src=x"))) << path;
    EXPECT_THAT(body, Not(HasSubstr("</script><script>document"))) << path;
  }
  const auto dom = dump("/");
  EXPECT_THAT(dom, HasSubstr("<title>fleetcheck status</title>"));  // no script ran
  EXPECT_THAT(dom, HasSubstr("&lt;img src=x onerror=\"document.title='pwned'\"&gt;"));
  EXPECT_THAT(dom, Not(HasSubstr("<img src=\"x\"")));
  EXPECT_THAT(dom, Not(HasSubstr("<img src=x")));
  const auto page =
      dump("/targets/%3Cimg%20src%3Dx%20onerror%3D%22document.title%3D%27pwned%27%22%3E");
  EXPECT_THAT(page, HasSubstr("<h1>&lt;img src=x"));
  EXPECT_THAT(page, Not(HasSubstr("pwned</title>")));
  EXPECT_THAT(page, Not(HasSubstr("<img src=x")));
}

TEST_F(status_page, filters_from_the_url_by_name_group_and_state) {
  skip_without_chromium();
  auto rows = rows_of(dump("/?q=WEB"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0], HasSubstr(">web</a>"));
  const auto dom = dump("/?group=core&state=unhealthy");
  rows = rows_of(dom);
  ASSERT_EQ(rows.size(), 1u) << dom;
  EXPECT_THAT(rows[0], HasSubstr(">db-broken</a>"));
  EXPECT_THAT(dom, HasSubstr("1 matching"));
  // The form shows the filter it applied.
  EXPECT_THAT(dom, HasSubstr("<option value=\"core\" selected=\"\">"));
}

// Without JavaScript the page is the server's HTML as it is. Headless Chromium reads the DOM (and
// takes screenshots) with script, so with --blink-settings=scriptEnabled=false it answers nothing:
// the HTML is checked as served.
TEST_F(status_page, the_table_pages_and_filters_without_javascript) {
  const auto first = http_get(serve_->port(), "/?per_page=3").body;
  EXPECT_THAT(first, HasSubstr("<form class=\"filter\" method=\"get\" action=\"/\""));
  auto rows = rows_of(first);
  ASSERT_EQ(rows.size(), 3u) << first;
  EXPECT_THAT(rows[0], HasSubstr(">db-broken</a>"));
  EXPECT_THAT(rows[0], HasSubstr("HTTP 500 Internal Server Error, expected 2xx"));
  EXPECT_THAT(first, HasSubstr("page 1 of 2"));
  EXPECT_THAT(first, HasSubstr("href=\"/?q=&amp;group=&amp;state=&amp;page=1&amp;per_page=3\""));
  const auto second = http_get(serve_->port(), "/?q=&group=&state=&page=1&per_page=3").body;
  rows = rows_of(second);
  ASSERT_EQ(rows.size(), 1u) << second;
  EXPECT_THAT(rows[0], HasSubstr("class=\"st-healthy\""));
  EXPECT_THAT(second, HasSubstr("rel=\"prev\""));
  // The form's GET: what a browser sends when Filter is pressed.
  rows = rows_of(http_get(serve_->port(), "/?q=&group=core&state=healthy").body);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0], HasSubstr(">api-ok</a>"));
}

TEST_F(status_page, shows_a_service_as_healthy_once_it_recovers) {
  skip_without_chromium();
  const auto before = dump("/?q=db-broken");
  ASSERT_THAT(rows_of(before), ::testing::ElementsAre(HasSubstr("class=\"st-unhealthy\"")));
  EXPECT_EQ(shown_count(before, "unhealthy"), 2);
  // The service is fixed: the same target, now at a URL that answers 200.
  std::ofstream(config_) << fleet_yaml(base_, false);
  ASSERT_EQ(test_support::http_request(serve_->port(), "POST", "/-/reload").status, 200);
  ASSERT_TRUE(eventually([&] { return api("/api/v1/targets/db-broken")["state"] == "healthy"; }))
      << serve_->log();
  const auto after = dump("/?q=db-broken");
  const auto rows = rows_of(after);
  ASSERT_EQ(rows.size(), 1u) << after;
  EXPECT_THAT(rows[0], HasSubstr("class=\"st-healthy\""));
  EXPECT_THAT(rows[0], Not(HasSubstr("HTTP 500")));
  EXPECT_EQ(shown_count(after, "unhealthy"), 1);
  EXPECT_THAT(after, HasSubstr("data-live=\"1\""));
}

TEST_F(status_page, screenshots_at_desktop_and_phone_widths) {
  skip_without_chromium();
  EXPECT_GT(screenshot("/", 1280, 900, "status-desktop.png"), 10000u);
  EXPECT_GT(screenshot("/", 390, 844, "status-phone.png"), 10000u);
  EXPECT_GT(screenshot("/targets/db-broken", 1280, 900, "target-desktop.png"), 10000u);
}

TEST_F(status_page, target_page_has_the_chart_transitions_and_certificate) {
  ASSERT_TRUE(eventually([&] {  // the history is written in batches
    return http_get(serve_->port(), "/targets/db-broken").body.find("<svg class=\"chart\"") !=
           std::string::npos;
  }));
  const auto page = http_get(serve_->port(), "/targets/db-broken");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.head, HasSubstr("Content-Type: text/html; charset=utf-8"));
  EXPECT_THAT(page.body, HasSubstr("class=\"fail\""));  // a failed check under the axis
  EXPECT_THAT(page.body, HasSubstr("Transitions"));
  EXPECT_THAT(page.body, HasSubstr("first check failed: HTTP 500"));
  EXPECT_THAT(page.body, HasSubstr("Certificate expires"));
  EXPECT_EQ(http_get(serve_->port(), "/targets/nope").status, 404);
}

TEST_F(status_page, badges_are_svg_with_the_state_and_short_caching) {
  const auto broken = http_get(serve_->port(), "/badge/db-broken.svg");
  EXPECT_EQ(broken.status, 200);
  EXPECT_THAT(broken.head, HasSubstr("Content-Type: image/svg+xml"));
  EXPECT_THAT(broken.head, HasSubstr("Cache-Control: public, max-age=30"));
  EXPECT_THAT(broken.body, HasSubstr(">unhealthy</text>"));
  EXPECT_THAT(http_get(serve_->port(), "/badge/api-ok.svg").body, HasSubstr(">healthy</text>"));
  EXPECT_THAT(http_get(serve_->port(), "/badge/group/edge.svg").body, HasSubstr(">healthy</text>"));
  EXPECT_THAT(http_get(serve_->port(), "/badge/group/core.svg").body,
              HasSubstr(">unhealthy</text>"));
  EXPECT_EQ(http_get(serve_->port(), "/badge/nope.svg").status, 404);
  // The API keeps its no-store.
  EXPECT_THAT(http_get(serve_->port(), "/api/v1/status").head,
              HasSubstr("Cache-Control: no-store"));
}

// One page load, watched over the DevTools protocol: the broken service is fixed while the page
// is open, and the page shows it without being reloaded (a marker set in the page survives).
TEST_F(status_page, an_open_page_updates_in_place_when_a_service_recovers) {
  skip_without_chromium();
  test_support::devtools_pipe browser(timeout_, chromium_, profile());
  ASSERT_TRUE(browser.open(url("/?q=db-broken")));
  const auto first_row = [&] {
    return browser.evaluate(
        "(function(){var r=document.querySelector('#rows tr');"
        "return r?r.className+'|'+r.querySelector('td.error').textContent:'';})()");
  };
  ASSERT_TRUE(eventually(
      [&] { return browser.evaluate("document.getElementById('updated').dataset.live") == "1"; }));
  EXPECT_EQ(first_row(), "st-unhealthy|HTTP 500 Internal Server Error, expected 2xx");
  ASSERT_EQ(browser.evaluate("window.fleetcheckMarker = 42"), 42);

  std::ofstream(config_) << fleet_yaml(base_, false);
  ASSERT_EQ(test_support::http_request(serve_->port(), "POST", "/-/reload").status, 200);
  // The script refreshes every 5 s: the row changes within a few of them.
  EXPECT_TRUE(eventually([&] { return first_row() == "st-healthy|"; }, 30s)) << first_row();
  EXPECT_EQ(browser.evaluate("document.querySelector('[data-count=unhealthy]').textContent"), "1");
  EXPECT_EQ(browser.evaluate("window.fleetcheckMarker"), 42);  // the same page: not reloaded
}

// A group per target must not put 50,000 groups on every page and every refresh.
TEST_F(status_page, lists_at_most_200_groups_and_keeps_the_filtered_one) {
  std::string yaml = "defaults:\n  interval: 1h\ntargets:\n";
  for (int i = 0; i < 205; ++i) {
    yaml += "  - name: t" + std::to_string(i) + "\n    group: g" + std::to_string(i) +
            "\n    url: http://127.0.0.1:" + std::to_string(base_) + "/health\n";
  }
  const auto config = temp_path("many-groups.yaml");
  std::ofstream(config) << yaml;
  serve_process many({"-c", config});
  ASSERT_TRUE(many.wait_ready()) << many.log();
  const auto all = json::parse(http_get(many.port(), "/api/v1/status").body, nullptr, false);
  EXPECT_EQ(all["groups_total"], 205);
  EXPECT_EQ(all["groups"].size(), 200u);
  const auto one =
      json::parse(http_get(many.port(), "/api/v1/status?group=g99").body, nullptr, false);
  bool listed = false;
  for (const auto& g : one["groups"]) listed = listed || g["name"] == "g99";
  EXPECT_TRUE(listed);
  EXPECT_EQ(one["matching"], 1);
  EXPECT_THAT(http_get(many.port(), "/").body, HasSubstr("5 more groups"));
}
