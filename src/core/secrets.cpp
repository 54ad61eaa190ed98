#include "fleetcheck/core/secrets.hpp"

#include <algorithm>
#include <cctype>

namespace fleetcheck::core {

void add_secret(std::vector<std::string>& secrets, std::string value) {
  if (value.empty() || std::find(secrets.begin(), secrets.end(), value) != secrets.end()) return;
  secrets.push_back(std::move(value));
}

bool is_secret_name(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string_view word :
       {"authorization", "cookie", "token", "secret", "pass", "key", "auth", "credential"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 4)) {
      text.replace(pos, secret.size(), "****");
    }
  }
  return text;
}

}  // namespace fleetcheck::core
