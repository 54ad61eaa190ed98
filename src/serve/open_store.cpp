#include "serve/open_store.hpp"

#include "fleetcheck/serve/memory_history_store.hpp"

namespace fleetcheck::serve {

std::unique_ptr<history_store> open_history_store(const std::filesystem::path& data_dir,
                                                  std::string& note) {
  if (data_dir.empty()) {
    note = "--data-dir '': history is kept in memory and lost on exit";
    return make_memory_store();
  }
  // Until the SQLite store (branch `history`) is merged, history lives in memory.
  note = "the SQLite history store is not built in yet: history is kept in memory";
  return make_memory_store();
}

}  // namespace fleetcheck::serve
