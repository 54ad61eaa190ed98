#pragma once
// Internal: a Beast body that counts every byte and keeps them only when asked.

#include <cstdint>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>

namespace fleetcheck::probe {

/// The response body of a check. Most checks judge the status alone: for them the body is counted
/// and discarded as it arrives, so memory stays bounded whatever the server streams (the parser's
/// body_limit still caps the size). When a condition reads the body, it is kept.
struct capped_body {
  struct value_type {
    bool keep = false;
    std::uint64_t size = 0;
    std::string data;  ///< the bytes, when `keep`
  };

  class reader {
   public:
    template <bool is_request, class Fields>
    reader(boost::beast::http::header<is_request, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::system::error_code& ec) {
      if (body_.keep && length && *length < (1u << 20)) body_.data.reserve(*length);
      ec = {};
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
      std::size_t n = 0;
      for (const auto b : boost::beast::buffers_range_ref(buffers)) {
        if (body_.keep) body_.data.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      body_.size += n;
      ec = {};
      return n;
    }

    void finish(boost::system::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace fleetcheck::probe
