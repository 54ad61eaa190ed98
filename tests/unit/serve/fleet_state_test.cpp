// The daemon's per-target state: results in, states and history out; degraded_when; reload and
// restart keep what they should. Values only: no sockets, a fake wall clock.
#include "serve/fleet_state.hpp"

#include <gtest/gtest.h>

#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/serve/history_writer.hpp"
#include "fleetcheck/serve/memory_history_store.hpp"

using namespace fleetcheck;
using namespace std::chrono_literals;

namespace {

const health::wall_clock::time_point t0{std::chrono::seconds(1'700'000'000)};

std::vector<core::target> fleet(std::string_view yaml) {
  return config::parse_config(yaml, "test.yaml").targets;
}

core::probe_result result(core::outcome o, double seconds = 0.01) {
  core::probe_result r;
  r.outcome = o;
  r.duration_seconds = seconds;
  r.http_status = o == core::outcome::healthy ? 200 : 503;
  if (o != core::outcome::healthy) r.error = "status 503";
  return r;
}

constexpr std::string_view two_targets = R"(
defaults:
  unhealthy_threshold: 2
  degraded_when: ['[RESPONSE_TIME] < 500']
targets:
  - name: api
    url: http://127.0.0.1:1/health
    group: web
  - name: db
    url: tcp://127.0.0.1:2
)";

}  // namespace

TEST(fleet_state, reads_the_new_settings_keys) {
  const auto targets = fleet(R"(
defaults:
  interval: 10s
  jitter: 10%
targets:
  - name: a
    url: http://127.0.0.1:1/
    healthy_threshold: 3
    unhealthy_threshold: 4
)");
  const auto& h = targets.at(0).settings.health;
  EXPECT_EQ(h.interval, core::duration(10s));
  EXPECT_DOUBLE_EQ(h.jitter, 0.1);
  EXPECT_EQ(h.healthy_threshold, 3);
  EXPECT_EQ(h.unhealthy_threshold, 4);
  EXPECT_THROW(fleet("targets:\n  - url: http://h/\n    jitter: 80%\n"), core::config_error);
  EXPECT_THROW(fleet("targets:\n  - url: http://h/\n    degraded_when: ['[BODY].a == 1']\n"),
               core::config_error);
  EXPECT_THROW(fleet("targets:\n  - url: http://h/\n    unhealthy_threshold: 0\n"),
               core::config_error);
}

TEST(fleet_state, records_results_states_and_history) {
  serve::serve_metrics metrics;
  auto store = serve::make_memory_store();
  {
    serve::history_writer writer(*store);
    serve::fleet_state state(fleet(two_targets), metrics, &writer);
    state.record(0, result(core::outcome::healthy), t0);
    state.record(1, result(core::outcome::unhealthy), t0 + 1s);
    state.record(0, result(core::outcome::healthy, 0.9), t0 + 2s);  // slow: degraded_when
    state.record(0, result(core::outcome::healthy, 0.9), t0 + 3s);
    EXPECT_EQ(state.status(0).state, health::state::degraded);
    EXPECT_EQ(state.status(0).since, t0 + 3s);
    EXPECT_EQ(state.status(0).degraded_by, "[RESPONSE_TIME] (900) < 500");
    EXPECT_EQ(state.status(1).state, health::state::unhealthy);
    EXPECT_EQ(state.status(0).checks, 3u);
    const auto c = state.counts();
    EXPECT_EQ(c.degraded, 1u);
    EXPECT_EQ(c.unhealthy, 1u);
    writer.flush();
  }
  EXPECT_EQ(store->result_count(), 4u);
  const auto transitions = store->transitions("api", t0 - 1s, 10);
  ASSERT_EQ(transitions.size(), 2u);
  EXPECT_EQ(transitions[0].to, health::state::healthy);
  EXPECT_EQ(transitions[1].to, health::state::degraded);
  EXPECT_EQ(transitions[1].group, "web");
  EXPECT_EQ(metrics.checks_by_outcome[0].load(), 3u);
  EXPECT_EQ(metrics.transitions_to[static_cast<int>(health::state::degraded)].load(), 1u);
}

TEST(fleet_state, a_restart_resumes_from_the_stored_state) {
  serve::serve_metrics metrics;
  auto store = serve::make_memory_store();
  {
    serve::history_writer writer(*store);
    serve::fleet_state before(fleet(two_targets), metrics, &writer);
    before.record(1, result(core::outcome::error), t0);
  }
  serve::fleet_state after(fleet(two_targets), metrics, nullptr);
  after.restore(store->restore());
  EXPECT_EQ(after.status(1).state, health::state::unhealthy);
  EXPECT_EQ(after.status(1).since, t0);
  ASSERT_TRUE(after.status(1).last);
  EXPECT_EQ(after.status(1).last->error, "status 503");
  EXPECT_EQ(after.status(0).state, health::state::unknown);
  // Restored, not new: one passing check does not beat healthy_threshold... which is 1 here.
  after.record(1, result(core::outcome::unhealthy), t0 + 1s);
  EXPECT_EQ(after.status(1).since, t0);
}

TEST(fleet_state, a_reload_keeps_unchanged_targets_and_resets_changed_ones) {
  serve::serve_metrics metrics;
  serve::fleet_state before(fleet(two_targets), metrics, nullptr);
  before.record(0, result(core::outcome::healthy), t0);
  before.record(1, result(core::outcome::healthy), t0);
  serve::fleet_state after(fleet(R"(
targets:
  - name: db
    url: tcp://127.0.0.1:3
  - name: new
    url: http://127.0.0.1:4/
  - name: api
    url: http://127.0.0.1:1/health
)"),
                           metrics, nullptr);
  after.carry_over(before);
  EXPECT_EQ(after.status(*after.find("api")).state, health::state::healthy);
  EXPECT_EQ(after.status(*after.find("db")).state, health::state::unknown);  // its URL changed
  EXPECT_EQ(after.status(*after.find("new")).state, health::state::unknown);
}
