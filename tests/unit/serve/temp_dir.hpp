#pragma once
// Test support: a fresh directory under the system's temporary directory, removed with its
// contents at the end of the scope.

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace fleetcheck::test_support {

class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fleetcheck-test-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::system_error(errno, std::generic_category());
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace fleetcheck::test_support
