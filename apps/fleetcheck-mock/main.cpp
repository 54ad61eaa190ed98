// fleetcheck-mock: a mock fleet of HTTP services with configurable latency and faults (or of
// redis-like TCP services, --protocol).
#include <csignal>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "fleetcheck/core/duration.hpp"
#include "fleetcheck/core/process_limits.hpp"
#include "fleetcheck/mock/mock_fleet.hpp"

namespace {

std::string describe_ports(const std::vector<std::uint16_t>& ports) {
  bool consecutive = true;
  for (std::size_t i = 1; i < ports.size(); ++i) consecutive &= ports[i] == ports[i - 1] + 1;
  if (consecutive) {
    return ports.size() == 1 ? fmt::format("port {}", ports[0])
                             : fmt::format("ports {}-{}", ports.front(), ports.back());
  }
  return fmt::format("ports {}", fmt::join(ports, ","));
}

}  // namespace

int main(int argc, char** argv) {
  fleetcheck::mock::mock_options o;
  std::string delay = "200ms", jitter = "0s", manifest;
  CLI::App app{"fleetcheck-mock: a mock fleet of HTTP services (GET /health) for demos and tests",
               "fleetcheck-mock"};
  app.add_option("--services", o.services, "Number of services, one port each (default 100)");
  app.add_option("--base-port", o.base_port, "First port; 0 = let the OS choose (default 9000)");
  app.add_option("--host", o.host, "Address to listen on (default 127.0.0.1)");
  app.add_option("--delay", delay, "Latency of each answer (default 200ms)");
  app.add_option("--jitter", jitter, "Adds up to this much random latency (default 0s)");
  app.add_option("--fail-status", o.fail_status, "Status of failing services (default 503)");
  // One --<fault>-rate per fault, straight from the catalog, so that a new fault gets its flag.
  for (const auto& f : fleetcheck::mock::fault_catalog()) {
    if (f.rate == nullptr) continue;
    app.add_option(fmt::format("--{}-rate", f.name), o.rates.*f.rate,
                   fmt::format("Fraction of services that {}", f.help));
  }
  bool chaos = false;
  app.add_option("--chaos-rate", o.rates.chaos,
                 "Fraction of services given every fault in turn, in equal shares");
  app.add_flag("--chaos", chaos, "Shorthand for --chaos-rate 0.3");
  std::string protocol = "http";
  app.add_option("--protocol", protocol,
                 "What the services speak: http; redis-ok (raw TCP, inline commands: PING -> "
                 "+PONG, keeps the connection); redis-noauth (every command -> -NOAUTH "
                 "Authentication required., keeps the connection, like redis with requirepass); "
                 "grpc (grpc.health.v1 over HTTP/2, h2c or --tls with ALPN h2; the service "
                 "asked about picks the answer: " +
                     std::string(fleetcheck::mock::grpc_services()) + ")")
      ->check(CLI::IsMember({"http", "redis-ok", "redis-noauth", "grpc"}));
  app.add_option("--seed", o.seed, "Seed for which services misbehave (default 1)");
  app.add_option("--threads", o.threads, "Event-loop threads (default: one per core)");
  app.add_option("--manifest", manifest, "Write the fleet as a fleetcheck config to FILE");
  app.add_flag("--tls", o.tls, "Serve HTTPS (needs --cert and --key)");
  app.add_option("--cert", o.cert_file, "PEM certificate chain for --tls");
  app.add_option("--key", o.key_file, "PEM private key for --tls");
  app.add_option("--client-ca", o.client_ca_file,
                 "With --tls: require client certificates from this CA");
  app.footer(fmt::format(
      "Per request, GET /health?delay=D&status=N&fault=F overrides the service; F is one of: {}.\n"
      "huge-headers pads to ?header_bytes=N (default 12288). Faults that act at accept (close, "
      "accept-no-read, tls-stall) act once the request is read when asked per request.",
      fleetcheck::mock::fault_names()));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "fleetcheck-mock: " << e.what() << " (run 'fleetcheck-mock --help')\n";
    return 2;
  }

  // Block the stop signals before any thread starts, so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    o.delay = fleetcheck::core::parse_duration(delay);
  } catch (const std::invalid_argument& e) {
    std::cerr << "fleetcheck-mock: --delay: " << e.what() << '\n';
    return 2;
  }
  try {
    o.jitter = fleetcheck::core::parse_duration(jitter);
  } catch (const std::invalid_argument& e) {
    std::cerr << "fleetcheck-mock: --jitter: " << e.what() << '\n';
    return 2;
  }
  if (chaos && o.rates.chaos == 0) o.rates.chaos = 0.3;
  o.protocol = *fleetcheck::mock::parse_protocol(protocol);
  fleetcheck::core::raise_open_file_limit();
  try {
    fleetcheck::mock::mock_fleet fleet(o);
    if (!manifest.empty()) {
      std::ofstream out(manifest, std::ios::trunc);
      out << fleet.manifest();
      if (!out.flush()) {
        std::cerr << "fleetcheck-mock: --manifest " << manifest << ": cannot write\n";
        return 2;
      }
    }
    fleet.start();
    std::cout << fmt::format("fleetcheck-mock ready: {} services on {} {} (delay {})", o.services,
                             o.host, describe_ports(fleet.ports()),
                             fleetcheck::core::format_duration(o.delay))
              << std::endl;
    int signal = 0;
    sigwait(&stop_signals, &signal);
    fleet.stop();
    std::cerr << fmt::format("fleetcheck-mock: stopped after {} requests on {} connections\n",
                             fleet.requests_served(), fleet.connections_accepted());
  } catch (const std::exception& e) {
    std::cerr << "fleetcheck-mock: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
