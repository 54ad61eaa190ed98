#include "probe/unsupported_probe.hpp"

namespace fleetcheck::probe {

net::asio::awaitable<check::attempt_result> attempt(const core::target&,
                                                    const core::unsupported_spec& spec,
                                                    context& ctx) {
  // Still "queued" (nothing was started), which is what the row's failed_phase then says.
  attempt_recorder record(ctx.phase);
  co_return record.fail(core::failure::unsupported_protocol, spec.why);
}

}  // namespace fleetcheck::probe
