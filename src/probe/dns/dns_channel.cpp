#include "probe/dns/dns_channel.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

namespace fleetcheck::probe {

namespace asio = net::asio;

namespace {

/// ares_library_init once per process (a no-op on Linux today, required by the API).
void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

/// c-ares' status as the netdb error Asio uses for a failed lookup.
boost::system::error_code lookup_error(int status) {
  switch (status) {
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
    case ARES_ENONAME:
      return asio::error::make_error_code(asio::error::host_not_found);
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED:
    case ARES_ESERVFAIL:
      return asio::error::make_error_code(asio::error::host_not_found_try_again);
    default:
      return asio::error::make_error_code(asio::error::no_recovery);
  }
}

/// The heap state of one lookup: c-ares hands it back to its callback exactly once.
template <class Handler>
struct pending {
  Handler done;
  std::weak_ptr<const bool> alive;
  dns_channel* owner;  ///< used only while `alive`
};

}  // namespace

/// One socket of c-ares, watched for what c-ares asked; the descriptor is released, never closed.
struct dns_channel::watch {
  watch(const asio::any_io_executor& ex, int socket) : fd(socket), descriptor(ex) {}
  int fd;
  asio::posix::stream_descriptor descriptor;
  bool want_read = false, want_write = false;
  bool reading = false, writing = false;
  bool closed = false;
};

dns_channel::dns_channel(asio::any_io_executor executor)
    : executor_(std::move(executor)), timer_(executor_) {}

core::expected<std::unique_ptr<dns_channel>> dns_channel::open(asio::any_io_executor executor,
                                                               const options& o) {
  init_library();
  std::unique_ptr<dns_channel> self(new dns_channel(std::move(executor)));
  ares_options opts{};
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_RCVBUF;
  opts.sock_state_cb = &dns_channel::on_socket_state;
  opts.sock_state_cb_data = self.get();
  opts.timeout = static_cast<int>(o.timeout.count());
  opts.tries = std::max(o.tries, 1);
  // Thousands of answers can arrive before the loop reads one: a large buffer (the kernel caps it
  // at net.core.rmem_max) instead of drops that cost a retry each.
  opts.socket_receive_buffer_size = 4 << 20;
  if (o.raw_answers) {
    mask |= ARES_OPT_FLAGS;
    opts.flags = ARES_FLAG_NOCHECKRESP;
  }
  ares_channel channel = nullptr;
  if (const int rc = ares_init_options(&channel, &opts, mask); rc != ARES_SUCCESS) {
    return core::unexpected{fmt::format("c-ares: {}", ares_strerror(rc))};
  }
  self->channel_ = channel;
  self->most_lookups_ = o.most_lookups;
  if (!o.servers.empty()) {
    if (const int rc = ares_set_servers_ports_csv(channel, o.servers.c_str()); rc != ARES_SUCCESS) {
      return core::unexpected{
          fmt::format("invalid DNS server list '{}': {}", o.servers, ares_strerror(rc))};
    }
  }
  return self;
}

dns_channel::~dns_channel() {
  alive_.reset();  // handlers still queued on the loop find the channel gone
  if (channel_ != nullptr) ares_destroy(channel_);  // closes sockets: on_socket_state(fd, 0, 0)
  for (auto& [fd, w] : watches_) {
    w->closed = true;
    w->descriptor.release();
  }
}

void dns_channel::on_socket_state(void* data, int fd, int readable, int writable) {
  auto& self = *static_cast<dns_channel*>(data);
  auto found = self.watches_.find(fd);
  if (readable == 0 && writable == 0) {
    if (found == self.watches_.end()) return;
    // c-ares closes the socket next: stop watching it (pending waits end as aborted).
    found->second->closed = true;
    found->second->descriptor.release();
    self.watches_.erase(found);
    return;
  }
  if (found == self.watches_.end()) {
    auto w = std::make_shared<watch>(self.executor_, fd);
    boost::system::error_code ec;
    w->descriptor.assign(fd, ec);  // registers it with the reactor; never throws into c-ares
    if (ec) return;                // unwatched: its lookups end at c-ares' timeout
    found = self.watches_.emplace(fd, std::move(w)).first;
  }
  found->second->want_read = readable != 0;
  found->second->want_write = writable != 0;
  self.arm(found->second);
}

void dns_channel::arm(const std::shared_ptr<watch>& w) {
  using wait = asio::posix::descriptor_base::wait_type;
  if (w->want_read && !w->reading) {
    w->reading = true;
    w->descriptor.async_wait(wait::wait_read, [this, w, alive = std::weak_ptr(alive_)](
                                                  const boost::system::error_code& ec) {
      if (alive.expired() || w->closed) return;
      w->reading = false;
      if (ec == asio::error::operation_aborted) return;
      if (w->want_read) process(w->fd, ARES_SOCKET_BAD);
      if (!w->closed) arm(w);
    });
  }
  if (w->want_write && !w->writing) {
    w->writing = true;
    w->descriptor.async_wait(wait::wait_write, [this, w, alive = std::weak_ptr(alive_)](
                                                   const boost::system::error_code& ec) {
      if (alive.expired() || w->closed) return;
      w->writing = false;
      if (ec == asio::error::operation_aborted) return;
      if (w->want_write) process(ARES_SOCKET_BAD, w->fd);
      if (!w->closed) arm(w);
    });
  }
}

void dns_channel::process(int read_fd, int write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  schedule_timeouts();
}

void dns_channel::schedule_timeouts() {
  timeval buffer{};
  const timeval* next = ares_timeout(channel_, nullptr, &buffer);
  if (next == nullptr) {
    timer_.cancel();  // nothing in flight
    return;
  }
  timer_.expires_after(std::chrono::seconds(next->tv_sec) +
                       std::chrono::microseconds(next->tv_usec));
  timer_.async_wait([this, alive = std::weak_ptr(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // retries and timeouts
  });
}

void dns_channel::admit(std::function<void()> start) {
  if (most_lookups_ != 0 && lookups_ >= most_lookups_) {
    queued_.push_back(std::move(start));
    return;
  }
  start();
}

void dns_channel::resolve(const std::string& host, resolve_handler done) {
  admit([this, host, done = std::move(done)]() mutable { start_lookup(host, std::move(done)); });
}

void dns_channel::query(const std::string& name, int type, query_handler done) {
  admit([this, name, type, done = std::move(done)]() mutable {
    start_query(name, type, std::move(done));
  });
}

void dns_channel::lookup_finished() {
  --lookups_;
  if (queued_.empty()) return;
  // The next one starts from the loop, not from inside c-ares' callback: a name answered at once
  // (/etc/hosts) would otherwise recurse through the whole queue.
  asio::post(executor_, [this, alive = std::weak_ptr(alive_)] {
    if (alive.expired() || queued_.empty() || lookups_ >= most_lookups_) return;
    auto next = std::move(queued_.front());
    queued_.pop_front();
    next();
  });
}

void dns_channel::start_lookup(const std::string& host, resolve_handler done) {
  ++lookups_;
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  using state = pending<resolve_handler>;
  auto* arg = new state{std::move(done), alive_, this};
  ++in_flight_;
  ares_getaddrinfo(
      channel_, host.c_str(), nullptr, &hints,
      [](void* data, int status, int, ares_addrinfo* result) {
        std::unique_ptr<state> s(static_cast<state*>(data));
        const std::unique_ptr<ares_addrinfo, decltype(&ares_freeaddrinfo)> owned(
            result, &ares_freeaddrinfo);
        if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED || s->alive.expired()) return;
        --s->owner->in_flight_;
        s->owner->lookup_finished();
        address_list out;
        if (status != ARES_SUCCESS || result == nullptr) {
          s->done(lookup_error(status), std::move(out));
          return;
        }
        for (auto* node = result->nodes; node != nullptr; node = node->ai_next) {
          asio::ip::tcp::endpoint ep;
          if (node->ai_addr == nullptr || node->ai_addrlen > ep.capacity()) continue;
          std::memcpy(ep.data(), node->ai_addr, node->ai_addrlen);
          if (std::find(out.begin(), out.end(), ep.address()) == out.end()) {
            out.push_back(ep.address());
          }
        }
        if (out.empty()) {
          s->done(lookup_error(ARES_ENODATA), std::move(out));
          return;
        }
        s->done({}, std::move(out));
      },
      arg);
  schedule_timeouts();
}

void dns_channel::start_query(const std::string& name, int type, query_handler done) {
  ++lookups_;
  using state = pending<query_handler>;
  auto* arg = new state{std::move(done), alive_, this};
  ++in_flight_;
  ares_query(
      channel_, name.c_str(), ns_c_in, type,
      [](void* data, int status, int, unsigned char* abuf, int alen) {
        std::unique_ptr<state> s(static_cast<state*>(data));
        if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED || s->alive.expired()) return;
        --s->owner->in_flight_;
        s->owner->lookup_finished();
        // With raw answers every reply is handed back whatever its rcode; no buffer means none
        // came (a timeout, a refused connection, a reply c-ares could not read).
        if (abuf != nullptr && alen > 0) {
          s->done({}, std::span<const unsigned char>(abuf, static_cast<std::size_t>(alen)));
          return;
        }
        const auto ec = status == ARES_ETIMEOUT
                            ? asio::error::make_error_code(asio::error::timed_out)
                        : status == ARES_ECONNREFUSED
                            ? asio::error::make_error_code(asio::error::connection_refused)
                        : status == ARES_EBADRESP || status == ARES_EBADNAME
                            ? asio::error::make_error_code(asio::error::no_recovery)
                            : lookup_error(status);
        s->done(ec, {});
      },
      arg);
  schedule_timeouts();
}

core::expected<dns_channel*> dns_channels::get(const std::string& server) {
  if (const auto found = channels_.find(server); found != channels_.end()) {
    return found->second.get();
  }
  if (channels_.size() >= most_) {
    std::erase_if(channels_, [](const auto& item) { return item.second->in_flight() == 0; });
  }
  dns_channel::options o;
  o.servers = server;
  o.raw_answers = true;
  // A lost UDP datagram is asked again after 2 s (then 4 s, 8 s); the check's deadline bounds
  // the wait, and an answer after it is dropped.
  o.tries = 3;
  o.timeout = std::chrono::seconds(2);
  auto channel = dns_channel::open(executor_, o);
  if (!channel) return core::unexpected{channel.error()};
  return channels_.emplace(server, std::move(*channel)).first->second.get();
}

}  // namespace fleetcheck::probe
