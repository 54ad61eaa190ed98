#include "placeholder.hpp"

#include <array>
#include <utility>

namespace fleetcheck::conditions::detail {
namespace {

constexpr std::array<std::pair<std::string_view, placeholder>, 8> placeholders = {{
    {"STATUS", placeholder::status},
    {"RESPONSE_TIME", placeholder::response_time},
    {"BODY", placeholder::body},
    {"CONNECTED", placeholder::connected},
    {"CERTIFICATE_EXPIRATION", placeholder::certificate_expiration},
    {"IP", placeholder::ip},
    {"DNS_RCODE", placeholder::dns_rcode},
    {"GRPC_STATUS", placeholder::grpc_status},
}};

// RFC 6895 / IANA names, as Gatus prints them (miekg/dns RcodeToString), plus BADVERS, which shares
// code 16 with BADSIG.
constexpr std::string_view dns_rcodes[] = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",   "REFUSED",   "YXDOMAIN",
    "YXRRSET", "NXRRSET", "NOTAUTH",  "NOTZONE",  "BADSIG",   "BADVERS",   "BADKEY",
    "BADTIME", "BADMODE", "BADNAME",  "BADALG",   "BADTRUNC", "BADCOOKIE",
};

// grpc.health.v1.HealthCheckResponse.ServingStatus.
constexpr std::string_view grpc_statuses[] = {"UNKNOWN", "SERVING", "NOT_SERVING",
                                              "SERVICE_UNKNOWN"};

char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (upper(a[i]) != upper(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<placeholder> find_placeholder(std::string_view name) {
  for (const auto& [text, p] : placeholders) {
    if (equal_ignoring_case(name, text)) return p;
  }
  return std::nullopt;
}

std::string_view unsupported_reason(std::string_view name) {
  if (equal_ignoring_case(name, "DOMAIN_EXPIRATION")) {
    return "[DOMAIN_EXPIRATION] is not supported: fleetcheck does no WHOIS lookups";
  }
  if (equal_ignoring_case(name, "CONTEXT")) {
    return "[CONTEXT] is not supported: fleetcheck has no suites";
  }
  return {};
}

std::string_view name_of(placeholder p) {
  switch (p) {
    case placeholder::status:
      return "[STATUS]";
    case placeholder::response_time:
      return "[RESPONSE_TIME]";
    case placeholder::connected:
      return "[CONNECTED]";
    case placeholder::certificate_expiration:
      return "[CERTIFICATE_EXPIRATION]";
    case placeholder::ip:
      return "[IP]";
    case placeholder::dns_rcode:
      return "[DNS_RCODE]";
    case placeholder::grpc_status:
      return "[GRPC_STATUS]";
    case placeholder::body:
      return "[BODY]";
  }
  return "[BODY]";
}

value_type type_of(placeholder p) {
  switch (p) {
    case placeholder::status:
    case placeholder::response_time:
      return value_type::number;
    case placeholder::connected:
      return value_type::boolean;
    case placeholder::certificate_expiration:
      return value_type::duration;
    case placeholder::ip:
    case placeholder::dns_rcode:
    case placeholder::grpc_status:
      return value_type::text;
    case placeholder::body:
      return value_type::dynamic;
  }
  return value_type::dynamic;
}

std::string_view describe(value_type type) {
  switch (type) {
    case value_type::number:
      return "a number";
    case value_type::boolean:
      return "true or false";
    case value_type::duration:
      return "a duration";
    case value_type::text:
    case value_type::dynamic:
      return "text";
  }
  return "text";
}

std::string_view all_placeholder_names() {
  return "[STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [CERTIFICATE_EXPIRATION], [IP], "
         "[DNS_RCODE] or [GRPC_STATUS]";
}

std::span<const std::string_view> known_values(placeholder p) {
  if (p == placeholder::dns_rcode) return dns_rcodes;
  if (p == placeholder::grpc_status) return grpc_statuses;
  return {};
}

}  // namespace fleetcheck::conditions::detail
