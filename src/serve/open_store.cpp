#include "serve/open_store.hpp"

#include "fleetcheck/serve/memory_history_store.hpp"

namespace fleetcheck::serve {

std::unique_ptr<history_store> open_history_store(const std::filesystem::path& data_dir,
                                                  std::string& note) {
  if (data_dir.empty()) {
    note = "--data-dir '': history is kept in memory and lost on exit";
    return make_memory_store();
  }
  return open_sqlite_store(data_dir);
}

}  // namespace fleetcheck::serve
