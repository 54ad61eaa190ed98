#pragma once
// Internal: whether a stream check's reply contains the expected text, fed as bytes arrive.

#include <cstddef>
#include <string>
#include <string_view>

namespace fleetcheck::probe {

/// Accumulates a reply (up to `most` bytes) and says as soon as it contains `expect`. Pure, so
/// that the probe and the response-path fuzzer share it.
class reply_matcher {
 public:
  enum class state { waiting, matched, too_long };

  reply_matcher(std::string_view expect, std::size_t most) : expect_(expect), most_(most) {}

  state feed(std::string_view chunk) {
    // Search only where a new match can start: the tail of the old data plus the new bytes.
    const auto from = data_.size() >= expect_.size() ? data_.size() - expect_.size() + 1 : 0;
    data_.append(chunk.substr(0, most_ - std::min(most_, data_.size())));
    if (data_.find(expect_, from) != std::string::npos) return state::matched;
    return data_.size() >= most_ ? state::too_long : state::waiting;
  }

  const std::string& data() const { return data_; }

 private:
  std::string_view expect_;
  std::size_t most_;
  std::string data_;
};

}  // namespace fleetcheck::probe
