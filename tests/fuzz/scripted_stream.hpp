#pragma once
// Fuzz support: an Asio stream whose reads return scripted chunks, then end of stream (or TLS
// truncation); writes succeed. Completions are posted, as a socket's would be.

#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>

namespace fleetcheck::fuzz {

class scripted_stream {
 public:
  using executor_type = boost::asio::any_io_executor;

  scripted_stream(executor_type executor, std::vector<std::string_view> chunks, bool truncated)
      : executor_(std::move(executor)), chunks_(std::move(chunks)), truncated_(truncated) {}

  executor_type get_executor() { return executor_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this, buffers](auto handler) {
          boost::system::error_code ec;
          std::size_t n = 0;
          while (next_ < chunks_.size() && chunks_[next_].empty()) ++next_;
          if (next_ < chunks_.size()) {
            n = boost::asio::buffer_copy(
                buffers, boost::asio::buffer(chunks_[next_].data(), chunks_[next_].size()));
            chunks_[next_].remove_prefix(n);
          } else if (boost::asio::buffer_size(buffers) > 0) {
            ec = truncated_ ? boost::system::error_code(boost::asio::ssl::error::stream_truncated)
                            : boost::system::error_code(boost::asio::error::eof);
          }
          boost::asio::post(executor_, boost::asio::append(std::move(handler), ec, n));
        },
        token);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this, buffers](auto handler) {
          boost::asio::post(executor_,
                            boost::asio::append(std::move(handler), boost::system::error_code{},
                                                boost::asio::buffer_size(buffers)));
        },
        token);
  }

 private:
  executor_type executor_;
  std::vector<std::string_view> chunks_;
  std::size_t next_ = 0;
  bool truncated_;
};

}  // namespace fleetcheck::fuzz
