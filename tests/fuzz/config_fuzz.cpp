// Feeds arbitrary text to the fleet config loader. Rejecting input with a config_error is its job;
// any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/core/config_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = fleetcheck::config::parse_config(text, "fuzz.yaml", {});
    for (const auto& t : config.targets) (void)t.settings.keeps_body();
  } catch (const fleetcheck::core::config_error&) {
  }
  return 0;
}
