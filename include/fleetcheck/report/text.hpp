#pragma once

#include <string>
#include <string_view>

namespace fleetcheck::report {

/// `text` safe for one line of a terminal table: valid UTF-8 is kept, control characters become
/// \n, \r, \t or \xNN, and bytes that are not valid UTF-8 become \xNN.
std::string printable(std::string_view text);

/// `text` as valid UTF-8: each byte that is not part of a valid sequence becomes U+FFFD.
std::string valid_utf8(std::string_view text);

}  // namespace fleetcheck::report
