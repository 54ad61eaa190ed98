#include "fleetcheck/serve/memory_history_store.hpp"

#include <algorithm>
#include <map>
#include <mutex>

namespace fleetcheck::serve {
namespace {

class memory_store final : public history_store {
 public:
  void append(const std::vector<result_record>& results,
              const std::vector<health::transition>& transitions) override {
    std::lock_guard lock(mutex_);
    results_.insert(results_.end(), results.begin(), results.end());
    transitions_.insert(transitions_.end(), transitions.begin(), transitions.end());
  }

  std::vector<result_record> results(const std::string& target,
                                     health::wall_clock::time_point since,
                                     std::size_t limit) const override {
    std::lock_guard lock(mutex_);
    std::vector<result_record> out;
    for (const auto& r : results_) {
      if (out.size() >= limit) break;
      if (r.target == target && r.at >= since) out.push_back(r);
    }
    return out;
  }

  std::vector<health::transition> transitions(const std::string& target,
                                              health::wall_clock::time_point since,
                                              std::size_t limit) const override {
    std::lock_guard lock(mutex_);
    std::vector<health::transition> out;
    for (const auto& t : transitions_) {
      if (out.size() >= limit) break;
      if (t.target == target && t.at >= since) out.push_back(t);
    }
    return out;
  }

  std::vector<restored_target> restore() const override {
    std::lock_guard lock(mutex_);
    std::map<std::string, restored_target> by_name;
    for (const auto& r : results_) {
      auto& entry = by_name[r.target];
      entry.target = r.target;
      entry.last = r;
    }
    for (const auto& t : transitions_) {
      auto& entry = by_name[t.target];
      entry.target = t.target;
      entry.state = t.to;
      entry.since = t.at;
    }
    std::vector<restored_target> out;
    for (auto& [name, entry] : by_name) out.push_back(std::move(entry));
    return out;
  }

  std::size_t prune(health::wall_clock::time_point before) override {
    std::lock_guard lock(mutex_);
    const auto gone = std::erase_if(results_, [&](const auto& r) { return r.at < before; }) +
                      std::erase_if(transitions_, [&](const auto& t) { return t.at < before; });
    return gone;
  }

  std::size_t result_count() const override {
    std::lock_guard lock(mutex_);
    return results_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<result_record> results_;  // in the order appended: oldest first
  std::vector<health::transition> transitions_;
};

}  // namespace

std::unique_ptr<history_store> make_memory_store() {
  return std::make_unique<memory_store>();
}

}  // namespace fleetcheck::serve
