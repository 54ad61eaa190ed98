#pragma once
// Internal: the status page's routes (`/`, `/targets/{name}`, `/badge/...svg`, `/api/v1/status`)
// behind one hook in the API's router.

#include <optional>
#include <string>

#include <boost/url/params_view.hpp>

#include "serve/api.hpp"

namespace fleetcheck::serve::page {

/// The answer for `path` (decoded query in `params`) when it is one of the page's GET routes;
/// nullopt otherwise. Throws core::config_error on a bad parameter (the router answers 400).
std::optional<api_response> answer(daemon& d, const std::string& path,
                                   const boost::urls::params_view& params);

}  // namespace fleetcheck::serve::page
