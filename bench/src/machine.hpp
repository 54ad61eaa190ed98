#pragma once
// Internal: a one-line description of the machine a benchmark ran on.

#include <string>

namespace fleetcheck::bench {

/// "AMD EPYC, 2 cores, 23.4 GiB RAM, Debian GNU/Linux 12 (bookworm), Linux 6.1.0-18-amd64,
/// open files 20000/20000 (soft/hard), somaxconn 4096".
std::string describe_machine();

/// CPU seconds the whole machine has spent since boot, from /proc/stat.
struct machine_cpu {
  double user = 0;  ///< user and nice: what other programs (a compiler, say) show up in
  double busy = 0;  ///< user, nice, system, irq and softirq
};
machine_cpu machine_cpu_seconds();

/// Local time as "2025-11-22T03:40:12" (`for_path`: "2025-11-22T03-40-12").
std::string local_timestamp(bool for_path);

}  // namespace fleetcheck::bench
