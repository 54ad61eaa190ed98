// DNS answers with hostile bytes: any message a server sends goes through the reader the dns://
// probe uses (header, question and answer sections, compressed names, each record type), then
// the result is judged against conditions that read [DNS_RCODE] and [BODY]. Any crash, exception
// or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fleetcheck/check/judge.hpp"
#include "probe/dns/dns_answer.hpp"

using namespace fleetcheck;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto reply = probe::read_dns_answer(std::span<const unsigned char>(data, size));
  if (!reply) return 0;
  if (reply->answers.size() > 64) __builtin_trap();  // the bound the reader promises
  static const core::check_settings settings = [] {
    core::check_settings s;
    s.conditions = {conditions::condition::parse("[DNS_RCODE] == NOERROR"),
                    conditions::condition::parse("[BODY] == pat(10.*)")};
    return s;
  }();
  check::attempt_result attempt;
  attempt.seen.body = probe::gatus_dns_body(*reply);
  attempt.seen.dns = *reply;
  check::judge(settings, attempt, core::deadline_reason::timeout, 0);
  return 0;
}
