#pragma once
// Internal: reading a DNS server's answer, whatever bytes it is.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fleetcheck/core/expected.hpp"
#include "fleetcheck/core/probe_result.hpp"

namespace fleetcheck::probe {

/// The wire number of a question type name ("A" -> 1, "SRV" -> 33); nullopt for others.
std::optional<int> dns_type_number(std::string_view type);

/// The rcode's name, as Gatus prints it (miekg/dns RcodeToString): "NOERROR", "NXDOMAIN"...;
/// "RCODE12" for a number without one.
std::string dns_rcode_name(int rcode);

/// The header counts, rcode and answer records of `message`, each record rendered as Gatus does
/// (core::dns_reply). Bounded: at most 64 answers of at most 1,024 characters each are kept;
/// names are expanded with c-ares (compression loops are refused). An error, saying what is
/// wrong, for bytes that are not a DNS answer (short, a query, a bad record). Never throws.
core::expected<core::dns_reply> read_dns_answer(std::span<const unsigned char> message);

/// What Gatus calls [BODY] for a DNS answer: the last answer record, rendered ("" without any).
std::string gatus_dns_body(const core::dns_reply& reply);

}  // namespace fleetcheck::probe
