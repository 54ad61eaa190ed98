#include "cli/atomic_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace fleetcheck::cli {

atomic_output::atomic_output(std::string path, std::string& error) : path_(std::move(path)) {
  // A device, FIFO or socket (-o /dev/stdout, a named pipe) is written in place: renaming a file
  // over it would replace the device itself.
  struct stat existing {};
  if (::stat(path_.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    out_.open(path_, std::ios::binary);
    if (!out_) error = std::strerror(errno);
    return;
  }
  // mkstemp in the same directory: rename() is atomic only within one file system.
  std::vector<char> name(path_.begin(), path_.end());
  const std::string suffix = ".fleetcheck-XXXXXX";
  name.insert(name.end(), suffix.begin(), suffix.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    error = std::strerror(errno);
    return;
  }
  ::fchmod(fd, 0644);  // what a plain `> file` would give, not mkstemp's 0600
  ::close(fd);
  temporary_ = name.data();
  out_.open(temporary_, std::ios::trunc | std::ios::binary);
  if (!out_) error = std::strerror(errno);
}

atomic_output::~atomic_output() {
  if (!committed_ && !temporary_.empty()) std::remove(temporary_.c_str());
}

bool atomic_output::commit(std::string& error) {
  out_.flush();
  if (!out_) {
    error = "write failed";
    return false;
  }
  if (temporary_.empty()) return true;  // written in place
  out_.close();
  const int fd = ::open(temporary_.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    error = std::strerror(errno);
    return false;
  }
  committed_ = true;
  return true;
}

}  // namespace fleetcheck::cli
