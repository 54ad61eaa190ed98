#pragma once

#include <cstddef>

namespace fleetcheck::core {

/// Raises the soft limit on open files as far as allowed, trying up to `wanted` (a root process may
/// also raise the hard limit up to fs.nr_open). Returns the soft limit in force afterwards.
/// Each concurrent check needs one descriptor, so this is the ceiling on concurrency.
std::size_t raise_open_file_limit(std::size_t wanted = 131072);

}  // namespace fleetcheck::core
