#pragma once
// Internal: the history store `serve --data-dir` names.

#include <filesystem>
#include <memory>
#include <string>

#include "fleetcheck/serve/history_store.hpp"

namespace fleetcheck::serve {

/// SQLite in `data_dir`, or memory when it is empty. `note` says when the history will not
/// outlive the process. Throws core::config_error when the directory cannot be used.
std::unique_ptr<history_store> open_history_store(const std::filesystem::path& data_dir,
                                                  std::string& note);

}  // namespace fleetcheck::serve
