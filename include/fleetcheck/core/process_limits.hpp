#pragma once

#include <cstddef>

namespace fleetcheck::core {

/// Raises the soft limit on open files as far as allowed, trying up to `wanted` (a root process may
/// also raise the hard limit up to fs.nr_open). Returns the soft limit in force afterwards.
/// Each concurrent check needs one descriptor, so this is the ceiling on concurrency.
std::size_t raise_open_file_limit(std::size_t wanted = 131072);

/// For a long-running process: at most `arenas` malloc arenas (glibc; elsewhere nothing), unless
/// MALLOC_ARENA_MAX says otherwise. Call before any thread starts. glibc's default, up to eight
/// per core, let memory allocated on the loops and freed on the history writer or the API thread
/// scatter over arenas: `serve` at 50,000 targets held 271 MB and crept up for minutes after a
/// restart; with two, 247 MB and flat, for the same schedule lag and CPU (bench/serve_soak).
void limit_malloc_arenas(int arenas = 2);

}  // namespace fleetcheck::core
