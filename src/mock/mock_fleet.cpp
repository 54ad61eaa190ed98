#include "fleetcheck/mock/mock_fleet.hpp"

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "mock/mock_session.hpp"

namespace fleetcheck::mock {

namespace asio = net::asio;
using asio::ip::tcp;

struct mock_fleet::impl {
  mock_options options;
  std::vector<fault> faults;
  std::vector<std::uint16_t> ports;
  std::unique_ptr<asio::ssl::context> tls;
  request_counter counter;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;  // acceptor i runs on context i % threads
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> served{0};
  std::atomic<std::uint64_t> accepted{0};
  bool started = false;
  bool stopped = false;

  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, fault default_fault) {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(net::use_nothrow);
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {
        // Out of descriptors: wait for connections to close instead of spinning or dying.
        asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(5));
        co_await pause.async_wait(net::use_nothrow);
        continue;
      }
      accepted.fetch_add(1, std::memory_order_relaxed);
      asio::co_spawn(
          acceptor.get_executor(),
          serve_session(std::move(socket),
                        service_behaviour{&options, default_fault, &served, tls.get(), &counter}),
          asio::detached);
    }
  }
};

mock_fleet::mock_fleet(mock_options options) : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  s.options = std::move(options);
  if (s.options.services == 0) throw std::invalid_argument("--services must be at least 1");
  if (s.options.base_port != 0 && s.options.base_port + s.options.services - 1 > 65535) {
    throw std::invalid_argument(fmt::format("{} services from port {} run past port 65535",
                                            s.options.services, s.options.base_port));
  }
  s.faults = assign_faults(s.options.services, s.options.rates, s.options.seed);
  if (s.options.protocol != protocol::http) {
    // The faults are HTTP's (and TLS's); a line-protocol or gRPC service has its own ways to
    // fail (gRPC's are chosen per call by the service asked about).
    const auto name = to_string(s.options.protocol);
    if (s.options.tls && s.options.protocol != protocol::grpc)
      throw std::invalid_argument(fmt::format("--protocol {} has no --tls", name));
    if (std::any_of(s.faults.begin(), s.faults.end(), [](fault f) { return f != fault::none; })) {
      throw std::invalid_argument(fmt::format("--protocol {} has no fault rates", name));
    }
  }
  if (s.options.tls) {
    if (s.options.cert_file.empty() || s.options.key_file.empty()) {
      throw std::invalid_argument("--tls needs --cert and --key");
    }
    s.tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    boost::system::error_code tls_error;
    s.tls->use_certificate_chain_file(s.options.cert_file, tls_error);
    if (tls_error) {
      throw std::invalid_argument(
          fmt::format("--cert {}: {}", s.options.cert_file, tls_error.message()));
    }
    s.tls->use_private_key_file(s.options.key_file, asio::ssl::context::pem, tls_error);
    if (tls_error) {
      throw std::invalid_argument(
          fmt::format("--key {}: {}", s.options.key_file, tls_error.message()));
    }
    if (!s.options.client_ca_file.empty()) {  // mTLS: only clients with a certificate from this CA
      s.tls->load_verify_file(s.options.client_ca_file, tls_error);
      if (tls_error) {
        throw std::invalid_argument(
            fmt::format("--client-ca {}: {}", s.options.client_ca_file, tls_error.message()));
      }
      s.tls->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
    if (s.options.protocol == protocol::grpc) offer_h2(*s.tls);
  }
  const unsigned threads = s.options.threads != 0
                               ? s.options.threads
                               : std::max(1u, std::thread::hardware_concurrency());
  const auto thread_count = std::min<std::size_t>(threads, s.options.services);
  for (std::size_t t = 0; t < thread_count; ++t) {
    s.contexts.push_back(std::make_unique<asio::io_context>(1));
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(s.options.host, ec);
  if (ec)
    throw std::invalid_argument(fmt::format("--host '{}' is not an IP address", s.options.host));
  for (std::size_t i = 0; i < s.options.services; ++i) {
    const auto port =
        static_cast<std::uint16_t>(s.options.base_port == 0 ? 0 : s.options.base_port + i);
    auto acceptor = std::make_unique<tcp::acceptor>(*s.contexts[i % thread_count]);
    const tcp::endpoint endpoint(address, port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    // The kernel caps the backlog at net.core.somaxconn; ask for the most it allows.
    if (!ec) acceptor->listen(65535, ec);
    if (ec) {
      throw std::runtime_error(fmt::format(
          "cannot listen on {}:{}: {}", s.options.host, port,
          ec == asio::error::address_in_use ? "the port is already in use" : ec.message()));
    }
    s.ports.push_back(acceptor->local_endpoint().port());
    s.acceptors.push_back(std::move(acceptor));
  }
}

mock_fleet::~mock_fleet() {
  stop();
}

void mock_fleet::start() {
  auto& s = *impl_;
  if (s.started) return;
  s.started = true;
  for (std::size_t i = 0; i < s.acceptors.size(); ++i) {
    asio::co_spawn(s.acceptors[i]->get_executor(), s.accept_loop(*s.acceptors[i], s.faults[i]),
                   asio::detached);
  }
  for (auto& ctx : s.contexts) {
    s.threads.emplace_back([&ctx = *ctx] { ctx.run(); });
  }
}

void mock_fleet::stop() {
  auto& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  for (auto& ctx : s.contexts) ctx->stop();
  for (auto& t : s.threads) t.join();
  s.acceptors.clear();
  s.contexts.clear();  // destroys every session still open, closing its socket
}

const std::vector<std::uint16_t>& mock_fleet::ports() const {
  return impl_->ports;
}
const std::vector<fault>& mock_fleet::faults() const {
  return impl_->faults;
}
const mock_options& mock_fleet::options() const {
  return impl_->options;
}
std::uint64_t mock_fleet::requests_served() const {
  return impl_->served.load(std::memory_order_relaxed);
}

std::uint64_t mock_fleet::connections_accepted() const {
  return impl_->accepted.load(std::memory_order_relaxed);
}

std::string mock_fleet::url(std::size_t service) const {
  const auto& host = impl_->options.host;
  const bool ipv6 = host.find(':') != std::string::npos;
  if (impl_->options.protocol == protocol::grpc) {
    return fmt::format("{}://{}:{}", impl_->options.tls ? "grpcs" : "grpc",
                       ipv6 ? "[" + host + "]" : host, impl_->ports[service]);
  }
  if (impl_->options.protocol != protocol::http) {
    return fmt::format("tcp://{}:{}", ipv6 ? "[" + host + "]" : host, impl_->ports[service]);
  }
  return fmt::format("{}://{}:{}/health", impl_->options.tls ? "https" : "http",
                     ipv6 ? "[" + host + "]" : host, impl_->ports[service]);
}

std::string mock_fleet::manifest() const {
  const auto& s = *impl_;
  std::string out = fmt::format(
      "# Written by fleetcheck-mock: {} services on {}, delay {}{}.\ndeadline: 5s\ntargets:\n",
      s.options.services, s.options.host, core::format_duration(s.options.delay),
      s.options.jitter.count() > 0 ? " + jitter " + core::format_duration(s.options.jitter) : "");
  for (std::size_t i = 0; i < s.ports.size(); ++i) {
    out += fmt::format("  - name: svc-{:04}\n    url: {}\n", i, url(i));
    if (s.options.protocol == protocol::redis_ok || s.options.protocol == protocol::redis_noauth)
      out += "    send: 'PING\\r\\n'\n    expect: '+PONG'\n";
    if (s.faults[i] != fault::none)
      out += fmt::format("    # mock fault: {}\n", to_string(s.faults[i]));
  }
  return out;
}

}  // namespace fleetcheck::mock
