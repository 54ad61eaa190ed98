#include "fleetcheck/alert/notifier.hpp"

#include <atomic>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "alert/webhook_post.hpp"
#include "fleetcheck/alert/delivery_policy.hpp"
#include "fleetcheck/alert/message.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/secrets.hpp"
#include "fleetcheck/probe/tls_contexts.hpp"
#include "fleetcheck/report/text.hpp"
#include "probe/dns/dns_channel.hpp"
#include "probe/dns_cache.hpp"

namespace fleetcheck::alert {

namespace asio = net::asio;
using net::clock;

namespace {

/// An alert's identity within a channel: the target and the state that fires.
using alert_key = std::pair<std::string, health::state>;

alert_key key_of(const alert_event& e) {
  return {e.cause.target, e.state};
}

}  // namespace

/// Everything of one channel; touched only on the notifier's thread.
struct channel_state {
  channel_state(const alert_channel& c, asio::io_context& ioc, std::size_t max_batch)
      : config(c), batch(max_batch), limiter(c.limit) {
    wake.emplace(ioc);
    sleep.emplace(ioc);
  }

  const alert_channel& config;
  pending_batch batch;
  rate_limiter limiter;
  // Optional only to be destroyed before the loop (stop()); always set while it runs.
  std::optional<asio::steady_timer> wake;   // the worker waits here: events, window, token
  std::optional<asio::steady_timer> sleep;  // backoff between attempts
  std::function<void()> abort;
  /// Alerts told as firing and not resolved since: the start of a resolved, Alertmanager resends.
  std::map<alert_key, alert_event> firing;
  /// Firings that were suppressed: their resolved is suppressed too.
  std::set<alert_key> suppressed_firing;
  clock::time_point next_resend = clock::time_point::max();
};

struct notifier::state {
  state(alerting_config c, notifier_options o) : config(std::move(c)), options(std::move(o)) {
    if (!options.log) {
      options.log = [](std::string_view line) { std::cerr << "fleetcheck: " << line << '\n'; };
    }
    if (!options.now) options.now = health::wall_clock::now;
    if (!options.silences) options.silences = std::make_shared<alert::silences>();
    silences = options.silences;
  }

  alerting_config config;
  notifier_options options;
  std::shared_ptr<alert::silences> silences = options.silences;  // set by the constructor

  std::mutex queue_mutex;
  std::deque<health::transition> queue;  // guarded by queue_mutex
  bool drain_posted = false;             // guarded by queue_mutex
  bool accepting = true;                 // guarded by queue_mutex

  std::atomic<std::size_t> sent{0}, failed{0}, retried{0}, dropped{0}, suppressed{0};

  // The loop and what lives on it. Torn down explicitly, in order, by stop().
  std::optional<asio::io_context> ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<probe::dns_channel> resolver;  // c-ares, on this loop; names of webhook hosts
  std::unique_ptr<probe::dns_cache> dns;
  std::unique_ptr<probe::tls_contexts> tls;
  std::vector<std::unique_ptr<channel_state>> channels;
  std::optional<asio::steady_timer> grace_timer;
  std::size_t running = 0;  // channel workers not finished; loop thread only
  bool stopping = false;    // loop thread only
  bool abandon = false;     // loop thread only
  std::thread thread;
  std::once_flag stop_once;

  void log(const channel_state& c, std::string_view what) {
    options.log(core::redact(fmt::format("alert '{}' ({}): {}", report::printable(c.config.name),
                                         c.config.display_url, what),
                             config.secrets));
  }

  void drain();
  void route(const health::transition& t);
  asio::awaitable<void> run_channel(channel_state& c);
  asio::awaitable<void> send(channel_state& c, std::vector<alert_event> events);
  /// send(), with anything it throws (memory) counted as a failed message: the channel goes on.
  asio::awaitable<void> send_guarded(channel_state& c, std::vector<alert_event> events);
  void begin_stop();
  void abandon_all();
};

// --- intake -----------------------------------------------------------------------------------

void notifier::state::drain() {
  std::deque<health::transition> taken;
  {
    std::lock_guard lock(queue_mutex);
    taken.swap(queue);
    drain_posted = false;
  }
  for (const auto& t : taken) route(t);
}

void notifier::state::route(const health::transition& t) {
  const auto wall_now = options.now();
  const bool quiet = silences->is_silenced(t.target, t.group, wall_now) ||
                     in_maintenance(config.maintenance, t.target, t.group, wall_now);
  const auto now = clock::now();
  for (auto& c : channels) {
    if (!c->config.applies_to.selects(t.target, t.group)) continue;
    bool added = false;
    for (auto& e : events_for(c->config, t)) {
      const auto key = key_of(e);
      if (quiet) {
        ++suppressed;
        if (e.what == alert_event::kind::firing) {
          c->suppressed_firing.insert(key);
        } else {
          c->suppressed_firing.erase(key);
          c->firing.erase(key);  // no resends of an alert whose end was not told
        }
        continue;
      }
      if (e.what == alert_event::kind::resolved) {
        if (c->suppressed_firing.erase(key) > 0) {
          ++suppressed;  // its firing was never told: neither is its end
          continue;
        }
        if (const auto it = c->firing.find(key); it != c->firing.end()) {
          e.started_at = it->second.started_at;
        }
      }
      if (c->batch.add(std::move(e), now, c->config.group_wait)) {
        added = true;
      } else {
        ++dropped;
      }
    }
    if (added) c->wake->cancel();  // the worker looks again: a new window, or stop's flush
  }
}

// --- sending ----------------------------------------------------------------------------------

asio::awaitable<void> notifier::state::run_channel(channel_state& c) {
  while (!abandon) {
    const auto now = clock::now();
    if (stopping && c.batch.empty()) co_return;
    auto wake_at = clock::time_point::max();
    if (!c.batch.empty()) {
      // Stopping sends at once; otherwise the window must close and a token be free.
      const auto due = stopping ? now : std::max(c.batch.due(), c.limiter.next_free(now));
      if (due <= now) {
        if (!stopping) c.limiter.try_take(now);
        co_await send_guarded(c, c.batch.take());
        continue;
      }
      wake_at = due;
    }
    if (!stopping && c.config.format == alert_format::alertmanager && !c.firing.empty()) {
      if (c.next_resend <= now) {
        // Alertmanager resolves an alert it has not heard of for resolve_timeout: say it again.
        std::vector<alert_event> again;
        for (const auto& [key, e] : c.firing) again.push_back(e);
        c.next_resend = now + c.config.resend_every;
        if (c.limiter.try_take(now)) co_await send_guarded(c, std::move(again));
        continue;
      }
      wake_at = std::min(wake_at, c.next_resend);
    }
    c.wake->expires_at(wake_at);
    co_await c.wake->async_wait(net::use_nothrow);
  }
}

asio::awaitable<void> notifier::state::send(channel_state& c, std::vector<alert_event> events) {
  const auto now = clock::now();
  for (const auto& e : events) {
    if (e.what == alert_event::kind::firing) {
      if (c.firing.empty()) c.next_resend = now + c.config.resend_every;
      c.firing.insert_or_assign(key_of(e), e);
    } else {
      c.firing.erase(key_of(e));
    }
  }
  if (c.firing.empty()) c.next_resend = clock::time_point::max();

  const auto body = render_body(c.config.format, c.config.name, events, options.generator_url);
  for (int retry = 0;; ++retry) {
    const auto deadline =
        clock::now() + std::chrono::duration_cast<clock::duration>(c.config.timeout);
    const auto outcome = co_await post_json(c.config, body, {*dns, *tls, c.abort}, deadline);
    if (outcome.delivered()) {
      ++sent;
      co_return;
    }
    const auto why = outcome.status != 0 ? fmt::format("HTTP {}", outcome.status) : outcome.error;
    if (abandon) {
      ++failed;
      log(c, fmt::format("aborted at stop ({} events): {}", events.size(), why));
      co_return;
    }
    if (!worth_retrying(outcome.status) || retry >= c.config.retries) {
      ++failed;
      log(c,
          fmt::format("gave up after {} attempts ({} events): {}", retry + 1, events.size(), why));
      co_return;
    }
    const auto wait = retry_delay(c.config.retry_backoff, retry + 1);
    log(c, fmt::format("attempt {} failed: {}; retrying in {}", retry + 1, why,
                       core::format_duration(wait)));
    ++retried;
    c.sleep->expires_after(wait);
    co_await c.sleep->async_wait(net::use_nothrow);
    if (abandon) {
      ++failed;
      log(c, fmt::format("aborted at stop ({} events): {}", events.size(), why));
      co_return;
    }
  }
}

asio::awaitable<void> notifier::state::send_guarded(channel_state& c,
                                                    std::vector<alert_event> events) {
  std::string failure;
  try {
    co_await send(c, std::move(events));
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    ++failed;
    log(c, "internal error: " + failure);
  }
}

// --- stopping ---------------------------------------------------------------------------------

void notifier::state::begin_stop() {
  stopping = true;
  for (auto& c : channels) c->wake->cancel();  // flush now
  grace_timer.emplace(*ioc, clock::now() + options.stop_grace);
  grace_timer->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) abandon_all();  // cancelled: every channel finished in time
  });
  if (running == 0) grace_timer->cancel();
  work.reset();  // run() returns once every channel is done (or abandoned)
}

void notifier::state::abandon_all() {
  abandon = true;
  for (auto& c : channels) {
    if (c->abort) c->abort();
    c->sleep->cancel();
    c->wake->cancel();
  }
  // A name still being resolved waits for its own deadline: do not wait for it.
  asio::post(*ioc, [this] { ioc->stop(); });
}

// --- the public face --------------------------------------------------------------------------

notifier::notifier(alerting_config config, notifier_options options)
    : state_(std::make_unique<state>(std::move(config), std::move(options))) {
  auto& s = *state_;
  s.ioc.emplace(1);
  s.work.emplace(s.ioc->get_executor());
  auto resolver = probe::dns_channel::open(s.ioc->get_executor(), {});
  if (!resolver) throw core::config_error(resolver.error());
  s.resolver = std::move(*resolver);
  s.dns = std::make_unique<probe::dns_cache>(
      [channel = s.resolver.get()](const std::string& host, probe::dns_cache::lookup_done done) {
        channel->resolve(host, std::move(done));
      });
  s.tls = std::make_unique<probe::tls_contexts>();
  for (const auto& c : s.config.channels) {
    s.channels.push_back(std::make_unique<channel_state>(c, *s.ioc, s.options.max_batch));
    ++s.running;
    asio::co_spawn(*s.ioc, s.run_channel(*s.channels.back()), [&s](std::exception_ptr failure) {
      if (failure) {
        try {
          std::rethrow_exception(failure);
        } catch (const std::exception& e) {
          s.options.log(fmt::format("alert notifier: {}", e.what()));
        }
      }
      // The last worker done after stop(): no need to wait for the grace.
      if (--s.running == 0 && s.stopping && s.grace_timer) s.grace_timer->cancel();
    });
  }
  s.thread = std::thread([&s] {
    // A callback that throws (a log sink) must not take the daemon down with it.
    for (;;) {
      try {
        s.ioc->run();
        return;
      } catch (const std::exception& e) {
        s.options.log(fmt::format("alert notifier: {}", e.what()));
      }
    }
  });
}

notifier::~notifier() {
  stop();
}

void notifier::on_transition(const health::transition& t) {
  auto& s = *state_;
  {
    std::lock_guard lock(s.queue_mutex);
    if (!s.accepting || s.queue.size() >= s.options.queue_capacity) {
      ++s.dropped;
      return;
    }
    s.queue.push_back(t);
    // Posted under the lock: stop() closes the queue under it before the loop goes away.
    if (!std::exchange(s.drain_posted, true)) asio::post(*s.ioc, [&s] { s.drain(); });
  }
}

alert::silences& notifier::silences() {
  return *state_->silences;
}

notifier::counters notifier::stats() const {
  const auto& s = *state_;
  return {s.sent.load(), s.failed.load(), s.retried.load(), s.dropped.load(), s.suppressed.load()};
}

void notifier::stop() {
  auto& s = *state_;
  std::call_once(s.stop_once, [&s] {
    {
      std::lock_guard lock(s.queue_mutex);
      s.accepting = false;
    }
    // What was queued before stop() is routed first, then the flush begins.
    asio::post(*s.ioc, [&s] {
      s.drain();
      s.begin_stop();
    });
    s.thread.join();
    // Events that never went out (an abandoned flush) are lost: count them.
    for (const auto& c : s.channels) s.dropped += c->batch.size();
    {
      std::lock_guard lock(s.queue_mutex);
      s.dropped += s.queue.size();
      s.queue.clear();
    }
    // Coroutines cut short by stop() are destroyed with the loop, while the channels they use
    // are alive; the timers go first, as they must not outlive the loop.
    s.grace_timer.reset();
    for (auto& c : s.channels) {
      c->wake.reset();
      c->sleep.reset();
    }
    s.work.reset();
    s.resolver.reset();  // c-ares first, while the io_context its sockets use still exists
    s.ioc.reset();
    s.channels.clear();
    s.dns.reset();
  });
}

}  // namespace fleetcheck::alert
