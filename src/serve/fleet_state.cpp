#include "serve/fleet_state.hpp"

#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fleetcheck/report/prometheus.hpp"
#include "fleetcheck/serve/history_writer.hpp"

namespace fleetcheck::serve {

std::pair<health::verdict, std::string> judge_health(const core::target& t,
                                                     const core::probe_result& r,
                                                     health::wall_clock::time_point now) {
  if (r.outcome != core::outcome::healthy) return {health::verdict::fail, r.error};
  const auto& degraded_when = t.settings.health.degraded_when;
  if (degraded_when.empty()) return {health::verdict::pass, {}};
  conditions::observation obs;
  obs.connected = true;
  obs.status = r.http_status;
  obs.response_time_ms = r.duration_seconds * 1e3;
  if (r.cert_expires_at) {
    obs.certificate_expiration =
        std::chrono::seconds(*r.cert_expires_at) -
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch());
  }
  const auto failed = conditions::evaluate_all(degraded_when, obs);
  if (failed.empty()) return {health::verdict::pass, {}};
  std::vector<std::string> described;
  for (const auto& v : failed) described.push_back(v.description);
  return {health::verdict::degraded, fmt::format("{}", fmt::join(described, "; "))};
}

namespace {
/// `target` and `group`, as the series of /metrics are labelled. The URL is on one info series
/// per target instead of on all ~11: a 50,000-target scrape is then a third smaller.
std::string metric_labels_of(const core::target& t) {
  auto labels = report::prometheus_writer::label("target", t.name);
  if (!t.group.empty()) labels += "," + report::prometheus_writer::label("group", t.group);
  return labels;
}
}  // namespace

fleet_state::fleet_state(std::vector<core::target> targets, serve_metrics& metrics,
                         history_writer* history, transition_sink on_transition)
    : targets_(std::move(targets)),
      metrics_(metrics),
      history_(history),
      on_transition_(std::move(on_transition)),
      status_(targets_.size()) {
  trackers_.reserve(targets_.size());
  metric_labels_.reserve(targets_.size());
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    metric_labels_.push_back(metric_labels_of(targets_[i]));
    const auto& h = targets_[i].settings.health;
    trackers_.emplace_back(health::thresholds{h.healthy_threshold, h.unhealthy_threshold});
    by_name_.emplace(targets_[i].name, i);
  }
}

std::optional<std::size_t> fleet_state::find(std::string_view name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

void fleet_state::record(std::size_t index, core::probe_result result,
                         health::wall_clock::time_point at) {
  const auto& t = targets_[index];
  auto [verdict, why] = judge_health(t, result, at);
  metrics_.count_check(result.outcome);
  // Shared, not copied: snapshots for the API and /metrics then copy a pointer per target
  // under the lock, never a whole result.
  auto last = std::make_shared<const core::probe_result>(result);
  std::optional<health::transition> changed;
  {
    std::lock_guard lock(mutex_);
    auto& s = status_[index];
    changed = trackers_[index].record(verdict, at, why);
    s.state = trackers_[index].current();
    s.since = trackers_[index].since();
    s.degraded_by = verdict == health::verdict::degraded ? why : std::string();
    s.last = std::move(last);
    s.last_at = at;
    ++s.checks;
  }
  if (changed) {
    changed->target = t.name;
    changed->group = t.group;
    metrics_.count_transition(changed->to);
    if (history_ != nullptr) history_->add(*changed);
    if (on_transition_) on_transition_(*changed);
  }
  if (history_ != nullptr) history_->add(result_record{t.name, at, std::move(result)});
}

void fleet_state::restore(const std::vector<restored_target>& stored) {
  std::lock_guard lock(mutex_);
  for (const auto& r : stored) {
    const auto index = find(r.target);
    if (!index) continue;
    trackers_[*index].restore(r.state, r.since);
    auto& s = status_[*index];
    s.state = r.state;
    s.since = r.since;
    if (r.last) {
      s.last = std::make_shared<const core::probe_result>(r.last->result);
      s.last_at = r.last->at;
    }
  }
}

void fleet_state::carry_over(const fleet_state& previous) {
  std::scoped_lock lock(mutex_, previous.mutex_);
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const auto old = previous.find(targets_[i].name);
    if (!old || previous.targets_[*old].url != targets_[i].url) continue;
    const auto& h = targets_[i].settings.health;
    trackers_[i] = previous.trackers_[*old];
    trackers_[i].set_thresholds({h.healthy_threshold, h.unhealthy_threshold});
    status_[i] = previous.status_[*old];
  }
}

target_status fleet_state::status(std::size_t index) const {
  std::lock_guard lock(mutex_);
  return status_.at(index);
}

std::vector<target_status> fleet_state::snapshot() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void state_counts::add(health::state s) {
  ++total;
  switch (s) {
    case health::state::unknown:
      ++unknown;
      break;
    case health::state::healthy:
      ++healthy;
      break;
    case health::state::degraded:
      ++degraded;
      break;
    case health::state::unhealthy:
      ++unhealthy;
      break;
  }
}

namespace {
std::string lowered(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

name_filter::name_filter(std::string_view q) : lowered_(lowered(q)) {}

bool name_filter::matches(std::string_view name) const {
  return lowered_.empty() || lowered(name).find(lowered_) != std::string::npos;
}

state_counts fleet_state::counts() const {
  state_counts c;
  std::lock_guard lock(mutex_);
  for (const auto& s : status_) c.add(s.state);
  return c;
}

}  // namespace fleetcheck::serve
