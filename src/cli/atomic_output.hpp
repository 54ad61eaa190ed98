#pragma once
// Internal: a report file that appears whole or not at all.

#include <fstream>
#include <string>

namespace fleetcheck::cli {

/// Writes to a temporary file beside `path` and renames it over `path` on commit(), so that a
/// reader (a node_exporter textfile collector, a tail -f) never sees a half-written report, and a
/// run that fails leaves the previous report intact. The temporary file is removed if commit()
/// is never reached. A path that is not a regular file (/dev/stdout, a FIFO) is written in place.
class atomic_output {
 public:
  /// Opens the temporary file; `error` says why when it cannot (then the stream is not usable).
  atomic_output(std::string path, std::string& error);
  ~atomic_output();
  atomic_output(const atomic_output&) = delete;
  atomic_output& operator=(const atomic_output&) = delete;

  std::ostream& stream() { return out_; }
  /// Flushes, syncs and renames into place; false with `error` set when any of it failed.
  bool commit(std::string& error);

 private:
  std::string path_;
  std::string temporary_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace fleetcheck::cli
