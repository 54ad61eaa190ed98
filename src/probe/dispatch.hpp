#pragma once
// Internal: one attempt of whatever protocol a target speaks. Adding a protocol adds its header
// here; the overload for its spec is found by std::visit.

#include <variant>

#include "probe/dns/dns_probe.hpp"
#include "probe/grpc/grpc_probe.hpp"
#include "probe/http/http_probe.hpp"
#include "probe/icmp/icmp_probe.hpp"
#include "probe/tcp/tcp_probe.hpp"
#include "probe/tls/tls_probe.hpp"
#include "probe/unsupported_probe.hpp"

namespace fleetcheck::probe {

/// One attempt of `t` with its protocol's probe. The returned coroutine has not started yet; the
/// caller awaits it at once (it refers to `t` and `ctx`).
inline net::asio::awaitable<check::attempt_result> run_attempt(const core::target& t,
                                                               context& ctx) {
  return std::visit([&](const auto& spec) { return attempt(t, spec, ctx); }, t.spec);
}

}  // namespace fleetcheck::probe
