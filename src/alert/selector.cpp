#include "fleetcheck/alert/selector.hpp"

#include <fmt/format.h>

#include "conditions/glob.hpp"

namespace fleetcheck::alert {

using conditions::detail::glob;

struct selector::compiled {
  std::vector<glob> targets;
  std::vector<glob> groups;
};

namespace {

bool any_matches(const std::vector<glob>& patterns, std::string_view text) {
  for (const auto& pattern : patterns) {
    if (pattern.matches(text)) return true;
  }
  return false;
}

}  // namespace

selector::selector() : compiled_(std::make_shared<const compiled>()) {}

core::expected<selector> selector::make(std::vector<std::string> targets,
                                        std::vector<std::string> groups) {
  auto out = std::make_shared<compiled>();
  for (auto [patterns, into] : {std::pair{&targets, &out->targets}, {&groups, &out->groups}}) {
    for (const auto& pattern : *patterns) {
      std::string problem;
      auto g = glob::compile(pattern, problem);
      if (!g) return core::unexpected{fmt::format("bad pattern '{}': {}", pattern, problem)};
      into->push_back(std::move(*g));
    }
  }
  selector s;
  s.targets_ = std::move(targets);
  s.groups_ = std::move(groups);
  s.compiled_ = std::move(out);
  return s;
}

bool selector::selects(std::string_view target, std::string_view group) const {
  if (selects_all()) return true;
  return any_matches(compiled_->targets, target) ||
         (!group.empty() && any_matches(compiled_->groups, group));
}

}  // namespace fleetcheck::alert
