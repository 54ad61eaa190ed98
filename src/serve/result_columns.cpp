#include "serve/result_columns.hpp"

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include <SQLiteCpp/Column.h>
#include <nlohmann/json.hpp>

namespace fleetcheck::serve::sqlite {
namespace {

// Durations as integer microseconds: 1-4 bytes in SQLite's record format instead of a REAL's 8.
std::int64_t micros(double seconds) {
  return std::llround(seconds * 1e6);
}
double seconds(std::int64_t micros) {
  return static_cast<double>(micros) / 1e6;
}

// Stable name -> value for an enum, built from the enum's own naming function over every value
// of its underlying type, so that a kind added to the enum is read back without editing this file.
template <class Enum, class Name>
Enum by_name(std::string_view name, Name name_of, Enum otherwise) {
  static const auto table = [&] {
    std::unordered_map<std::string_view, Enum> t;
    for (int i = 0; i < 256; ++i) {
      const auto value = static_cast<Enum>(i);
      if (const std::string_view n = name_of(value); n != "unknown") t.emplace(n, value);
    }
    return t;
  }();
  const auto found = table.find(name);
  return found == table.end() ? otherwise : found->second;
}

std::string_view text(SQLite::Statement& row, int column) {
  const SQLite::Column c = row.getColumn(column);
  return {c.getText(), static_cast<std::size_t>(c.getBytes())};
}

// The gRPC, ICMP and DNS facts as one JSON object keyed by protocol, and whether the request
// went over a kept connection (reuse_connection); empty when the result has none of them (a
// fresh HTTP or TCP check), stored as NULL.
std::string protocol_facts(const core::probe_result& r) {
  if (!r.grpc && !r.icmp && !r.dns && !r.connection_reused) return {};
  nlohmann::json facts = nlohmann::json::object();
  if (r.connection_reused) facts["connection_reused"] = true;
  if (r.grpc) {
    auto& g = facts["grpc"];
    g["tls"] = r.grpc->tls;
    g["status_code"] = r.grpc->status_code ? nlohmann::json(*r.grpc->status_code) : nullptr;
    g["serving_status"] = r.grpc->serving_status;
  }
  if (r.icmp) {
    auto& i = facts["icmp"];
    // Microseconds, as every other duration of the row.
    i["rtt_us"] = r.icmp->rtt_seconds ? nlohmann::json(micros(*r.icmp->rtt_seconds)) : nullptr;
    i["hop_limit"] = r.icmp->hop_limit ? nlohmann::json(*r.icmp->hop_limit) : nullptr;
  }
  if (r.dns) {
    auto& d = facts["dns"];
    d["rcode"] = r.dns->rcode;
    d["answer_rrs"] = r.dns->answer_rrs;
    d["authority_rrs"] = r.dns->authority_rrs;
    d["additional_rrs"] = r.dns->additional_rrs;
    d["answers"] = r.dns->answers;
  }
  // Replacement, not an exception, for invalid UTF-8 in what a server sent (a DNS TXT record).
  return facts.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

template <class T>
std::optional<T> optional_field(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!found->is_string()) return std::nullopt;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!found->is_boolean()) return std::nullopt;
  } else {
    if (!found->is_number_integer()) return std::nullopt;
  }
  return found->get<T>();
}

// Reads what protocol_facts wrote; a member of the wrong type (a hand-edited file) reads as
// absent rather than failing the whole read.
void read_protocol_facts(std::string_view text, core::probe_result& r) {
  const auto facts = nlohmann::json::parse(text, nullptr, false);
  if (!facts.is_object()) return;
  r.connection_reused = optional_field<bool>(facts, "connection_reused").value_or(false);
  if (const auto g = facts.find("grpc"); g != facts.end() && g->is_object()) {
    core::grpc_facts out;
    out.tls = optional_field<bool>(*g, "tls").value_or(false);
    out.status_code = optional_field<int>(*g, "status_code");
    out.serving_status = optional_field<std::string>(*g, "serving_status").value_or("");
    r.grpc = std::move(out);
  }
  if (const auto i = facts.find("icmp"); i != facts.end() && i->is_object()) {
    core::icmp_echo out;
    if (const auto rtt = optional_field<std::int64_t>(*i, "rtt_us"))
      out.rtt_seconds = seconds(*rtt);
    out.hop_limit = optional_field<int>(*i, "hop_limit");
    r.icmp = out;
  }
  if (const auto d = facts.find("dns"); d != facts.end() && d->is_object()) {
    core::dns_reply out;
    out.rcode = optional_field<std::string>(*d, "rcode").value_or("");
    out.answer_rrs = optional_field<int>(*d, "answer_rrs").value_or(0);
    out.authority_rrs = optional_field<int>(*d, "authority_rrs").value_or(0);
    out.additional_rrs = optional_field<int>(*d, "additional_rrs").value_or(0);
    if (const auto answers = d->find("answers"); answers != d->end() && answers->is_array()) {
      for (const auto& a : *answers) {
        if (a.is_string()) out.answers.push_back(a.get<std::string>());
      }
    }
    r.dns = std::move(out);
  }
}

}  // namespace

std::int64_t unix_ms(health::wall_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

health::wall_clock::time_point from_unix_ms(std::int64_t ms) {
  return health::wall_clock::time_point{
      std::chrono::duration_cast<health::wall_clock::duration>(std::chrono::milliseconds{ms})};
}

void bind_result(SQLite::Statement& insert, int first, const core::probe_result& r) {
  int i = first;
  insert.bind(i++, std::string(core::to_string(r.outcome)));
  insert.bind(i++, std::string(core::to_string(r.failure)));
  insert.bind(i++, std::string(core::phase_name(r.failed_phase)));
  insert.bind(i++, r.http_status);
  insert.bind(i++, micros(r.duration_seconds));
  insert.bind(i++, micros(r.phases.resolve));
  insert.bind(i++, micros(r.phases.connect));
  insert.bind(i++, micros(r.phases.tls));
  insert.bind(i++, micros(r.phases.first_byte));
  insert.bind(i++, micros(r.phases.transfer));
  insert.bind(i++, r.attempts);
  insert.bind(i++, r.redirects);
  if (r.cert_expires_at) {
    insert.bind(i++, *r.cert_expires_at);
  } else {
    insert.bind(i++);  // NULL
  }
  insert.bind(i++, r.tls_resumed ? 1 : 0);
  if (r.error.empty()) {
    insert.bind(i++);
  } else {
    insert.bindNoCopy(i++, r.error);  // `r` outlives the statement's execution
  }
  if (r.failed_conditions.empty()) {
    insert.bind(i++);
  } else {
    insert.bind(i++, nlohmann::json(r.failed_conditions).dump());
  }
  if (r.tls_version.empty()) {
    insert.bind(i++);
  } else {
    insert.bindNoCopy(i++, r.tls_version);
  }
  if (auto facts = protocol_facts(r); facts.empty()) {
    insert.bind(i++);
  } else {
    insert.bind(i++, facts);  // copied: `facts` dies before the statement runs
  }
}

core::probe_result read_result(SQLite::Statement& row, int first) {
  core::probe_result r;
  int i = first;
  r.outcome = by_name(
      text(row, i++), [](core::outcome o) { return core::to_string(o); }, core::outcome::error);
  r.failure = by_name(
      text(row, i++), [](core::failure f) { return core::to_string(f); },
      core::failure::internal_error);
  r.failed_phase = by_name(
      text(row, i++), [](core::probe_phase p) { return core::phase_name(p); },
      core::probe_phase::queued);
  r.http_status = row.getColumn(i++).getInt();
  r.duration_seconds = seconds(row.getColumn(i++).getInt64());
  r.phases.resolve = seconds(row.getColumn(i++).getInt64());
  r.phases.connect = seconds(row.getColumn(i++).getInt64());
  r.phases.tls = seconds(row.getColumn(i++).getInt64());
  r.phases.first_byte = seconds(row.getColumn(i++).getInt64());
  r.phases.transfer = seconds(row.getColumn(i++).getInt64());
  r.attempts = row.getColumn(i++).getInt();
  r.redirects = row.getColumn(i++).getInt();
  if (const SQLite::Column expiry = row.getColumn(i++); !expiry.isNull()) {
    r.cert_expires_at = expiry.getInt64();
  }
  r.tls_resumed = row.getColumn(i++).getInt() != 0;
  r.error = std::string(text(row, i++));  // NULL reads as ""
  if (const SQLite::Column conditions = row.getColumn(i++); !conditions.isNull()) {
    const auto parsed = nlohmann::json::parse(conditions.getText(), nullptr, false);
    if (parsed.is_array()) {
      for (const auto& c : parsed) {
        if (c.is_string()) r.failed_conditions.push_back(c.get<std::string>());
      }
    }
  }
  r.tls_version = std::string(text(row, i++));
  if (const SQLite::Column facts = row.getColumn(i++); !facts.isNull()) {
    read_protocol_facts({facts.getText(), static_cast<std::size_t>(facts.getBytes())}, r);
  }
  return r;
}

}  // namespace fleetcheck::serve::sqlite
