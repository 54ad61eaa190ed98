#pragma once

#include <span>
#include <string>
#include <string_view>

namespace fleetcheck::core {

/// " (did you mean 'x'?)" for the candidate closest to `word` (at most two edits away, or a
/// prefix of it), else "". For messages about unknown keys, flags and subcommands.
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace fleetcheck::core
