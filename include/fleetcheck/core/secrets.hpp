#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fleetcheck::core {

/// Records a value that must never appear in any output (empty and repeated values are ignored).
void add_secret(std::vector<std::string>& secrets, std::string value);

/// Whether a header or environment variable of this name holds a secret: its name contains
/// authorization, cookie, token, secret, pass, key, auth or credential, in any case.
bool is_secret_name(std::string_view name);

/// `text` with every occurrence of a secret replaced by "****".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace fleetcheck::core
