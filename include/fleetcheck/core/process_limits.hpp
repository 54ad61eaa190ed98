#pragma once

#include <cstddef>

namespace fleetcheck::core {

/// Raises the soft limit on open files as far as allowed, trying up to `wanted` (a root process may
/// also raise the hard limit up to fs.nr_open). Returns the soft limit in force afterwards.
/// Each concurrent check needs one descriptor, so this is the ceiling on concurrency.
std::size_t raise_open_file_limit(std::size_t wanted = 131072);

/// For a long-running process: at most `arenas` malloc arenas (glibc; elsewhere nothing), unless
/// MALLOC_ARENA_MAX says otherwise. Call before any thread starts. With glibc's default (up to
/// eight per core), memory allocated on the loops and freed on the history writer or the API
/// thread scattered over arenas: `serve` at 50,000 targets held 253-290 MB, and after a restart
/// crept up by 5-7% in five minutes (two arenas did the same); with one arena, 228 MB flat in both
/// processes of a 10-minute soak, for a schedule lag p99 still under 5 ms (bench/serve_soak,
/// bench/serve_load).
void limit_malloc_arenas(int arenas = 1);

}  // namespace fleetcheck::core
