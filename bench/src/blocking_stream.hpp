#pragma once
// Internal: a blocking TCP connection with a timeout on every call, as a Beast SyncReadStream and
// SyncWriteStream.
//
// Why not asio::ip::tcp::socket: its synchronous reads fall back to poll(fd, -1) when the kernel's
// SO_RCVTIMEO fires, so a blocking check through it could never time out. A blocking checker needs
// the kernel's own timeouts (what Python's requests does with timeout=), so this is the socket the
// sequential and thread-pool strategies use; the HTTP on top of it is Beast's, as in the engine.

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

namespace fleetcheck::bench {

class blocking_stream {
 public:
  blocking_stream() = default;
  ~blocking_stream() { close(); }
  blocking_stream(const blocking_stream&) = delete;
  blocking_stream& operator=(const blocking_stream&) = delete;

  /// Connects, waiting at most `timeout`; every later read or write waits at most `timeout` too.
  void connect(const sockaddr* address, socklen_t length, std::chrono::nanoseconds timeout,
               boost::system::error_code& ec);
  /// Ends both directions, as the engine does before closing.
  void shutdown();
  void close();

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    iovecs v;
    const auto count = gather(buffers, v);
    if (count == 0) return finish(0, ec, false);
    ssize_t n;
    do {
      n = ::readv(fd_, v.data(), count);
    } while (n < 0 && errno == EINTR);
    return finish(n, ec, true);
  }

  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
    iovecs v;
    msghdr message{};
    message.msg_iov = v.data();
    message.msg_iovlen = static_cast<std::size_t>(gather(buffers, v));
    ssize_t n;
    do {
      n = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return finish(n, ec, false);
  }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    const auto n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  template <class ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers) {
    boost::system::error_code ec;
    const auto n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  using iovecs = std::array<iovec, 16>;

  template <class BufferSequence>
  static int gather(const BufferSequence& buffers, iovecs& v) {
    int count = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && count < static_cast<int>(v.size());
         ++it) {
      const auto b = boost::asio::buffer(*it);
      if (b.size() == 0) continue;
      v[static_cast<std::size_t>(count)].iov_base =
          const_cast<void*>(static_cast<const void*>(b.data()));
      v[static_cast<std::size_t>(count)].iov_len = b.size();
      ++count;
    }
    return count;
  }

  /// Turns a readv/sendmsg return into bytes and an error code: 0 bytes read is eof, EAGAIN is the
  /// socket timeout running out.
  static std::size_t finish(ssize_t n, boost::system::error_code& ec, bool reading) {
    if (n > 0 || (n == 0 && !reading)) {
      ec.clear();
      return static_cast<std::size_t>(n);
    }
    if (n == 0) {
      ec = boost::asio::error::eof;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      ec = boost::asio::error::timed_out;
    } else {
      ec.assign(errno, boost::system::system_category());
    }
    return 0;
  }

  int fd_ = -1;
};

}  // namespace fleetcheck::bench
