#include "machine.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <thread>

#include <fmt/format.h>

namespace fleetcheck::bench {
namespace {

/// The value after "key" and a separator (':' or '=') on the first matching line of `file`.
std::string field(const char* file, std::string_view key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with(key)) continue;
    auto value = line.substr(line.find_first_of(":=") + 1);
    value.erase(0, value.find_first_not_of(" \t\""));
    while (!value.empty() && (value.back() == '"' || value.back() == ' ')) value.pop_back();
    return value;
  }
  return {};
}

std::string first_line(const char* file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::string describe_machine() {
  std::string out = field("/proc/cpuinfo", "model name");
  if (out.empty()) out = "unknown CPU";
  out += fmt::format(", {} cores", std::thread::hardware_concurrency());
  const auto mem_kib = field("/proc/meminfo", "MemTotal");
  if (!mem_kib.empty()) {
    out += fmt::format(", {:.1f} GiB RAM", std::stod(mem_kib) / 1024 / 1024);
  }
  const auto os = field("/etc/os-release", "PRETTY_NAME");
  if (!os.empty()) out += ", " + os;
  utsname u{};
  if (::uname(&u) == 0) out += fmt::format(", Linux {}", u.release);
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    out += fmt::format(", open files {}/{} (soft/hard)", files.rlim_cur, files.rlim_max);
  }
  const auto somaxconn = first_line("/proc/sys/net/core/somaxconn");
  if (!somaxconn.empty()) out += ", somaxconn " + somaxconn;
  return out;
}

machine_cpu machine_cpu_seconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq) || cpu != "cpu") {
    return {};
  }
  const auto tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return {static_cast<double>(user + nice) / tick,
          static_cast<double>(user + nice + system + irq + softirq) / tick};
}

std::string local_timestamp(bool for_path) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, for_path ? "%Y-%m-%dT%H-%M-%S" : "%Y-%m-%dT%H:%M:%S", &local);
  return text;
}

}  // namespace fleetcheck::bench
