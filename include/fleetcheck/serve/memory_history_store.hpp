#pragma once
// A history_store in memory: for tests, and for `serve --data-dir ''` (nothing kept on disk).

#include <memory>

#include "fleetcheck/serve/history_store.hpp"

namespace fleetcheck::serve {

/// An empty store that lives as long as the returned object. Thread-safe.
std::unique_ptr<history_store> make_memory_store();

}  // namespace fleetcheck::serve
