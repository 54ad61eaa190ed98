#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace fleetcheck::conditions::detail {

enum class placeholder {
  status,
  response_time,
  connected,
  certificate_expiration,
  ip,
  dns_rcode,
  grpc_status,
  body,
};

/// What a placeholder's values are; it decides which right-hand values parse. dynamic is [BODY]:
/// text or JSON, whose type is only known when the body arrives.
enum class value_type { number, boolean, duration, text, dynamic };

/// The placeholder with this name (what is between the brackets), ignoring case as Gatus does:
/// "STATUS", "status" and "Status" are all [STATUS].
std::optional<placeholder> find_placeholder(std::string_view name);

/// Why fleetcheck lacks a placeholder that Gatus has ([DOMAIN_EXPIRATION], [CONTEXT]), or empty
/// when the name is not one of those.
std::string_view unsupported_reason(std::string_view name);

/// The canonical spelling, e.g. "[STATUS]".
std::string_view name_of(placeholder p);

value_type type_of(placeholder p);

/// For error messages: "a number", "true or false", "a duration", "text".
std::string_view describe(value_type type);

/// Every placeholder, for the "unknown placeholder" message.
std::string_view all_placeholder_names();

/// The values a placeholder can take when they form a fixed set of names ([DNS_RCODE],
/// [GRPC_STATUS]); empty otherwise. Comparing with anything else is a typo that could never match.
std::span<const std::string_view> known_values(placeholder p);

}  // namespace fleetcheck::conditions::detail
