#include "serve/page/routes.hpp"

#include <charconv>

#include <boost/url/pct_string_view.hpp>
#include <fmt/format.h>

#include "fleetcheck/core/config_error.hpp"
#include "serve/page/render.hpp"

namespace fleetcheck::serve::page {
namespace {

std::string param(const boost::urls::params_view& params, std::string_view key) {
  const auto it = params.find(key);
  return it == params.end() ? std::string() : std::string((*it).value);
}

std::size_t page_number(const boost::urls::params_view& params, std::string_view key,
                        std::size_t fallback) {
  const auto text = param(params, key);
  if (text.empty()) return fallback;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw core::config_error(fmt::format("{}={}: must be a whole number", key, text));
  }
  return value;
}

page_query query_of(const boost::urls::params_view& params) {
  page_query q;
  q.q = param(params, "q");
  q.group = param(params, "group");
  q.state = param(params, "state");
  q.page = page_number(params, "page", 0);
  q.per_page = page_number(params, "per_page", 50);
  return q;
}

std::string decoded(std::string_view segment) {
  auto pct = boost::urls::make_pct_string_view(segment);
  if (!pct) return std::string(segment);
  return pct->decode();
}

api_response html(std::string body, int status = 200) {
  return {status, "text/html; charset=utf-8", std::move(body)};
}

api_response badge(health::state s) {
  api_response r{200, "image/svg+xml", badge_svg("health", s)};
  // Badges are embedded in READMEs and dashboards: let proxies and image caches keep one for a
  // short while, and not much longer than a check interval.
  r.cache_control = "public, max-age=30";
  return r;
}

}  // namespace

std::optional<api_response> answer(daemon& d, const std::string& path,
                                   const boost::urls::params_view& params) {
  if (path == "/" || path == "/index.html")
    return html(status_html(build_page(d, query_of(params))));
  if (path == "/api/v1/status") {
    return api_response{200, "application/json", status_json(build_page(d, query_of(params)))};
  }
  constexpr std::string_view target_prefix = "/targets/";
  if (path.starts_with(target_prefix) && path.size() > target_prefix.size()) {
    const auto g = d.current();
    const auto index = g->fleet->find(decoded(std::string_view(path).substr(target_prefix.size())));
    if (!index) return html("<!DOCTYPE html><title>not found</title><p>No such target.</p>\n", 404);
    return html(target_html(d, *g, *index));
  }
  constexpr std::string_view badge_prefix = "/badge/", group_prefix = "/badge/group/";
  if (path.starts_with(badge_prefix) && path.ends_with(".svg")) {
    const bool group = path.starts_with(group_prefix);
    auto name = std::string_view(path).substr(group ? group_prefix.size() : badge_prefix.size());
    name.remove_suffix(4);
    const auto g = d.current();
    if (!group) {
      const auto index = g->fleet->find(decoded(name));
      if (!index) return api_response{404, "text/plain; charset=utf-8", "no such target\n"};
      return badge(g->fleet->status(*index).state);
    }
    const auto wanted = decoded(name);
    const auto targets = g->fleet->targets();
    const auto all = g->fleet->snapshot();
    state_counts counts;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (targets[i].group != wanted) continue;
      ++counts.total;
      switch (all[i].state) {
        case health::state::unknown:
          ++counts.unknown;
          break;
        case health::state::healthy:
          ++counts.healthy;
          break;
        case health::state::degraded:
          ++counts.degraded;
          break;
        case health::state::unhealthy:
          ++counts.unhealthy;
          break;
      }
    }
    if (counts.total == 0) return api_response{404, "text/plain; charset=utf-8", "no such group\n"};
    return badge(worst(counts));
  }
  return std::nullopt;
}

}  // namespace fleetcheck::serve::page
