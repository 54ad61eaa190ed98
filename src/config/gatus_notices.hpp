#pragma once
// Internal: what a Gatus file holds that fleetcheck does not check or use, tallied as the file is
// read and said once, in a few lines, rather than per endpoint or not at all.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fleetcheck::config {

class gatus_notices {
 public:
  /// A top-level key for Gatus's dashboard, alerting, storage or scheduler ("alerting").
  void ignored_top(std::string key) { ignored_top_.push_back(std::move(key)); }
  /// An endpoint key of that kind ("alerts"), counted once per endpoint.
  void ignored_key(const std::string& key) { count(ignored_keys_, key, ""); }
  /// A key Gatus itself ignores on a tcp:// endpoint ("method").
  void ignored_on_tcp(const std::string& key) { count(ignored_on_tcp_, key, ""); }
  /// A client setting fleetcheck does not have, so that `endpoint` is checked without it.
  void not_applied(const std::string& setting, const std::string& endpoint) {
    count(not_applied_, setting, endpoint);
  }
  void disabled(std::string endpoint) { disabled_.push_back(std::move(endpoint)); }
  /// An endpoint reported as an error because fleetcheck cannot check it yet; `what` says why in
  /// a word ("icmp://", "dns", "[DOMAIN_EXPIRATION]").
  void unsupported(const std::string& endpoint, std::string_view what) {
    unsupported_.push_back(endpoint + " (" + std::string(what) + ")");
  }
  void suite(std::string name) { suites_.push_back(std::move(name)); }

  /// One line per kind that occurred, each starting with `source`.
  std::vector<std::string> lines(std::string_view source) const;

 private:
  /// Keys in the order first seen, each with how many endpoints had it and which ones.
  struct tally {
    std::string key;
    std::size_t endpoints = 0;
    std::vector<std::string> names;
  };
  static void count(std::vector<tally>& into, const std::string& key, const std::string& name);

  std::vector<std::string> ignored_top_;
  std::vector<tally> ignored_keys_;
  std::vector<tally> ignored_on_tcp_;
  std::vector<tally> not_applied_;
  std::vector<std::string> disabled_;
  std::vector<std::string> unsupported_;
  std::vector<std::string> suites_;
};

}  // namespace fleetcheck::config
