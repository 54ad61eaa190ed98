// URL handling with hostile text: target URLs (with credentials and odd ports), redirect
// Locations resolved against them, and the requests built from both. Anything but a clean value
// or a reason (crash, exception, sanitizer report) is a bug.
#include <cstdint>
#include <string_view>

#include "fleetcheck/config/target_url.hpp"
#include "probe/http/request.hpp"

using namespace fleetcheck;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto split = text.find('\n');
  const auto url = text.substr(0, split);
  const auto location = split == std::string_view::npos ? url : text.substr(split + 1);
  const auto t = config::target_from_url(url, {});
  if (!t) return 0;
  if (const auto* http = std::get_if<core::http_spec>(&t->spec)) {
    auto line = probe::request_line_of(*http, t->settings);
    (void)probe::make_request(t->settings, line);
    for (const int status : {301, 302, 303, 307, 308}) {
      if (auto next = probe::follow(line, status, location)) {
        (void)probe::make_request(t->settings, *next);
        line = *next;
      }
    }
  }
  return 0;
}
