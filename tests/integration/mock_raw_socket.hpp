#pragma once
// Test support: a plain TCP client to the mock that sees exactly the bytes a service sends and how
// the connection ends (EOF, reset, or still open), every read bounded by a timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace fleetcheck::test_support {

/// How a read ended.
enum class read_end { matched, full, eof, reset, timeout, error };

inline const char* to_string(read_end e) {
  switch (e) {
    case read_end::matched:
      return "matched";
    case read_end::full:
      return "full";
    case read_end::eof:
      return "eof";
    case read_end::reset:
      return "reset";
    case read_end::timeout:
      return "timeout";
    case read_end::error:
      return "error";
  }
  return "?";
}

struct read_result {
  std::string bytes;
  read_end end = read_end::timeout;
};

/// A connected socket to 127.0.0.1:port.
class raw_socket {
 public:
  explicit raw_socket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~raw_socket() { close(); }
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }

  /// Reads until the bytes contain `until` (when not empty), `most` bytes came, the server closes
  /// or resets the connection, or `limit` passes.
  read_result read(std::chrono::milliseconds limit, std::string_view until = {},
                   std::size_t most = 1 << 20) {
    read_result r;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buffer[64 * 1024];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
        r.end = read_end::timeout;
        return r;
      }
      const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got == 0) {
        r.end = read_end::eof;
        return r;
      }
      if (got < 0) {
        r.end = errno == ECONNRESET ? read_end::reset : read_end::error;
        return r;
      }
      r.bytes.append(buffer, static_cast<std::size_t>(got));
      if (!until.empty() && r.bytes.find(until) != std::string::npos) {
        r.end = read_end::matched;
        return r;
      }
      if (r.bytes.size() >= most) {
        r.end = read_end::full;
        return r;
      }
    }
  }

 private:
  int fd_;
};

/// `GET target` that asks the server to close after answering.
inline std::string get_and_close(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
}

}  // namespace fleetcheck::test_support
