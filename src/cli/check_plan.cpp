#include "cli/check_plan.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fleetcheck/config/fleet_config.hpp"
#include "fleetcheck/config/target_url.hpp"
#include "fleetcheck/core/config_error.hpp"
#include "fleetcheck/core/secrets.hpp"

namespace fleetcheck::cli {
namespace {

using core::config_error;

template <class T>
T flag_value(std::string_view flag, core::expected<T> value) {
  if (!value) throw config_error(fmt::format("{}: {}", flag, value.error()));
  return std::move(*value);
}

/// A whole-number flag within [least, most], or one line naming the flag and the range.
long long whole_number(std::string_view flag, const std::string& text, long long least,
                       long long most) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < least || value > most) {
    throw config_error(
        fmt::format("{} {}: must be a whole number from {} to {}", flag, text, least, most));
  }
  return value;
}

/// --dns-server "ip[:port],..." as c-ares takes it ("127.0.0.1:5353,[::1]:53"); IP addresses
/// only, since they are what resolves names.
std::string dns_server_list(const std::string& text) {
  std::string out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto comma = std::min(text.find(',', at), text.size());
    const auto item = text.substr(at, comma - at);
    std::string host = item;
    std::string port;
    if (!item.empty() && item.front() == '[') {
      const auto close = item.find(']');
      if (close == std::string::npos || (close + 1 < item.size() && item[close + 1] != ':')) {
        host.clear();
      } else {
        host = item.substr(1, close - 1);
        if (close + 1 < item.size()) port = item.substr(close + 2);
      }
    } else if (std::count(item.begin(), item.end(), ':') == 1) {
      host = item.substr(0, item.find(':'));
      port = item.substr(item.find(':') + 1);
    }
    unsigned char address[16];
    const bool v6 = host.find(':') != std::string::npos;
    const bool ip = !host.empty() && inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), address) == 1;
    if (!ip || (!port.empty() && whole_number("--dns-server", port, 1, 65535) == 0) ||
        (item.find(':') != std::string::npos && port.empty() && !v6)) {
      throw core::config_error(
          fmt::format("--dns-server '{}': expected IP[:PORT] (e.g. 127.0.0.1:5353 or [::1]:53), "
                      "comma-separated",
                      item));
    }
    if (!out.empty()) out += ',';
    out += v6 ? "[" + host + "]" : host;
    out += ":" + (port.empty() ? std::string("53") : port);
    at = comma + 1;
  }
  return out;
}

/// The settings the flags give, as an overlay: applied over a file's `defaults:` and under each
/// target's own keys. Validated now, so that a bad flag fails before any file is read.
config::settings_overlay overlay_from_flags(const check_options& o) {
  core::check_settings given;  // only the fields a flag sets are copied out of it below
  if (o.timeout) given.timeout = core::parse_duration_flag("--timeout", *o.timeout);
  if (o.max_body)
    given.http.max_body_bytes = flag_value("--max-body", config::parse_size(*o.max_body));
  if (o.max_header) {
    given.http.max_header_bytes = flag_value("--max-header", config::parse_size(*o.max_header));
  }
  if (o.method) {
    auto& method = given.http.request.method;
    method = *o.method;
    for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (method.empty() ||
        method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
      throw config_error(fmt::format("--method: invalid method '{}'", *o.method));
    }
  }
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& h : o.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0 || h.find_first_of("\r\n") != std::string::npos) {
      throw config_error(fmt::format("--header '{}': expected 'Name: value'", h));
    }
    auto value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    headers.emplace_back(h.substr(0, colon), std::move(value));
  }
  if (!o.ca_file.empty() && !std::ifstream(o.ca_file)) {
    throw config_error(
        fmt::format("--ca-file {}: cannot read: {}", o.ca_file, std::strerror(errno)));
  }
  if (o.retries) given.retries = static_cast<int>(whole_number("--retries", *o.retries, 0, 10));
  if (o.follow_redirects) {
    given.http.follow_redirects =
        static_cast<int>(whole_number("--follow-redirects", *o.follow_redirects, 0, 20));
  }
  std::vector<conditions::condition> conditions;
  for (const auto& text : o.conditions) {
    try {
      conditions.push_back(conditions::condition::parse(text));
    } catch (const conditions::condition_error& e) {
      throw config_error(fmt::format("--condition: {}", e.what()));
    }
  }
  core::status_set expect;
  for (const auto& item : o.expect_status) {
    try {
      expect.add(item);
    } catch (const std::invalid_argument& e) {
      throw config_error(fmt::format("--expect-status: {}", e.what()));
    }
  }
  return [o, given, headers, conditions, expect](core::check_settings& s) {
    if (o.timeout) s.timeout = given.timeout;
    if (o.max_body) s.http.max_body_bytes = given.http.max_body_bytes;
    if (o.max_header) s.http.max_header_bytes = given.http.max_header_bytes;
    if (o.method) s.http.request.method = given.http.request.method;
    for (const auto& [name, value] : headers) {
      if (core::is_secret_name(name)) core::add_secret(s.secrets, value);
      config::set_header(s.http.request, name, value);
    }
    if (!o.ca_file.empty()) s.tls.ca_file = o.ca_file;
    if (o.insecure) s.tls.insecure_skip_verify = true;
    if (o.retries) s.retries = given.retries;
    if (o.follow_redirects) s.http.follow_redirects = given.http.follow_redirects;
    if (!conditions.empty()) s.conditions = conditions;
    if (!expect.is_default()) s.http.expect_status = expect;
  };
}

/// URLs given as arguments or in a list may repeat (checking one /health N times is a classic
/// load demonstration): each is checked, and repeats are named "URL #2", "URL #3"...
void name_repeats(std::vector<core::target>& targets, std::size_t from) {
  std::unordered_map<std::string, int> seen;
  for (std::size_t i = 0; i < from; ++i) seen[targets[i].name] = 1;
  for (std::size_t i = from; i < targets.size(); ++i) {
    const int n = ++seen[targets[i].name];
    if (n > 1) targets[i].name = fmt::format("{} #{}", targets[i].name, n);
  }
}

/// Keeps the targets of the named groups; a group no target has is an error naming those there are.
void keep_groups(std::vector<core::target>& targets, const std::vector<std::string>& groups) {
  std::set<std::string> known;
  for (const auto& t : targets) known.insert(t.group);
  for (const auto& g : groups) {
    if (known.count(g) == 0) {
      known.erase("");
      throw config_error(fmt::format("--group {}: no target is in that group{}", g,
                                     known.empty()
                                         ? std::string(" (no target has a group)")
                                         : fmt::format(" (groups: {})", fmt::join(known, ", "))));
    }
  }
  std::erase_if(targets, [&](const core::target& t) {
    return std::find(groups.begin(), groups.end(), t.group) == groups.end();
  });
}

}  // namespace

check_plan make_check_plan(const check_options& o) {
  check_plan p;
  p.format = flag_value("--format", report::parse_format(o.format));
  if (o.deadline) p.run.deadline = core::parse_duration_flag("--deadline", *o.deadline);
  std::optional<std::size_t> concurrency;
  if (o.concurrency) {
    concurrency =
        static_cast<std::size_t>(whole_number("--concurrency", *o.concurrency, 1, 1'000'000));
  }
  // More loops than cores only adds switching; a few per core leaves room for odd machines.
  const long long most_threads = std::max(4u, std::thread::hardware_concurrency()) * 4LL;
  if (o.threads)
    p.threads = static_cast<unsigned>(whole_number("--threads", *o.threads, 0, most_threads));
  const auto flags = overlay_from_flags(o);
  core::check_settings listed_settings;
  flags(listed_settings);

  if (!o.config_file.empty()) {
    auto file = config::load_config_file(o.config_file, flags);
    p.targets = std::move(file.targets);
    if (file.deadline && !o.deadline) p.run.deadline = *file.deadline;
    if (file.concurrency) p.run.concurrency = *file.concurrency;
    p.notices = std::move(file.notices);
    p.alerting = std::move(file.alerting);
  }
  const auto listed_from = p.targets.size();
  if (!o.targets_file.empty()) {
    std::vector<core::target> listed;
    if (o.targets_file == "-") {
      listed = config::parse_url_list(std::cin, "<stdin>", listed_settings);
    } else {
      std::ifstream in(o.targets_file);
      if (!in) {
        throw config_error(
            fmt::format("{}: cannot read targets file: {}", o.targets_file, std::strerror(errno)));
      }
      listed = config::parse_url_list(in, o.targets_file, listed_settings);
    }
    std::move(listed.begin(), listed.end(), std::back_inserter(p.targets));
  }
  for (std::size_t i = 0; i < o.urls.size(); ++i) {
    auto t = config::target_from_url(o.urls[i], listed_settings);
    if (!t) throw config_error(fmt::format("argument {}: {}", i + 1, t.error()));
    t->origin = fmt::format("argument {}", i + 1);
    p.targets.push_back(std::move(*t));
  }
  if (p.targets.empty()) {
    throw config_error(
        "no targets: give URLs as arguments, a config file with -c, or --targets-file");
  }
  name_repeats(p.targets, listed_from);
  config::check_unique_names(p.targets);
  if (!o.groups.empty()) keep_groups(p.targets, o.groups);
  if (concurrency) p.run.concurrency = *concurrency;
  if (o.dns_server) p.run.dns_servers = dns_server_list(*o.dns_server);
  p.run.start = o.start;
  return p;
}

}  // namespace fleetcheck::cli
