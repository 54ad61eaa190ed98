#include "blocking_stream.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/time.h>

namespace fleetcheck::bench {

void blocking_stream::connect(const sockaddr* address, socklen_t length,
                              std::chrono::nanoseconds timeout, boost::system::error_code& ec) {
  close();
  fd_ = ::socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    ec.assign(errno, boost::system::system_category());
    return;
  }
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
  timeval limit{};
  limit.tv_sec = static_cast<time_t>(micros / 1000000);
  limit.tv_usec = static_cast<suseconds_t>(micros % 1000000);
  // Linux applies SO_SNDTIMEO to a blocking connect() too (it then fails with EINPROGRESS).
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc;
  do {
    rc = ::connect(fd_, address, length);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) {
    ec.clear();
  } else if (errno == EINPROGRESS) {
    ec = boost::asio::error::timed_out;
  } else {
    ec.assign(errno, boost::system::system_category());
  }
}

void blocking_stream::shutdown() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void blocking_stream::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace fleetcheck::bench
