#include "probe/grpc/health_message.hpp"

#include <array>

#include <fmt/format.h>

namespace fleetcheck::probe::grpc {
namespace {

constexpr std::size_t prefix_size = 5;  // compressed flag + 32-bit big-endian length

void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

/// Reads a base-128 varint at `at`, advancing it; nullopt when the bytes end first or it runs
/// past 10 bytes (no 64-bit value needs more).
std::optional<std::uint64_t> read_varint(std::string_view in, std::size_t& at) {
  std::uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (at >= in.size()) return std::nullopt;
    const auto byte = static_cast<unsigned char>(in[at++]);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return std::nullopt;
}

core::expected<health_response> parse_message(std::string_view message) {
  health_response out;
  std::size_t at = 0;
  while (at < message.size()) {
    const auto tag = read_varint(message, at);
    if (!tag) return core::unexpected{std::string("truncated field tag in the response message")};
    const auto field = *tag >> 3;
    const auto wire_type = static_cast<unsigned>(*tag & 7);
    if (field == 0) return core::unexpected{std::string("field number 0 in the response message")};
    if (field == 1 && wire_type != 0) {
      return core::unexpected{
          fmt::format("the response's status (field 1) has wire type {}, not a varint: not a "
                      "HealthCheckResponse",
                      wire_type)};
    }
    switch (wire_type) {
      case 0: {
        const auto value = read_varint(message, at);
        if (!value)
          return core::unexpected{std::string("truncated varint in the response message")};
        if (field == 1) out.status = *value;  // the last occurrence wins, as in protobuf
        break;
      }
      case 1:
      case 5: {
        const std::size_t size = wire_type == 1 ? 8 : 4;
        if (message.size() - at < size) {
          return core::unexpected{
              std::string("truncated fixed-size field in the response message")};
        }
        at += size;
        break;
      }
      case 2: {
        const auto length = read_varint(message, at);
        if (!length || *length > message.size() - at) {
          return core::unexpected{
              std::string("truncated length-delimited field in the response message")};
        }
        at += static_cast<std::size_t>(*length);
        break;
      }
      default:  // 3 and 4 (groups, gone since proto3), 6 and 7 (none)
        return core::unexpected{fmt::format(
            "wire type {} in the response message: not a HealthCheckResponse", wire_type)};
    }
  }
  return out;
}

}  // namespace

std::string encode_health_request(std::string_view service) {
  std::string message;
  if (!service.empty()) {  // proto3 leaves an empty string out
    message += '\x0a';     // field 1, wire type 2
    append_varint(message, service.size());
    message += service;
  }
  std::string out(prefix_size, '\0');
  const auto length = static_cast<std::uint32_t>(message.size());
  out[1] = static_cast<char>(length >> 24);
  out[2] = static_cast<char>(length >> 16);
  out[3] = static_cast<char>(length >> 8);
  out[4] = static_cast<char>(length);
  return out + message;
}

core::expected<health_response> decode_health_response(std::string_view body,
                                                       std::size_t max_message) {
  if (body.empty()) {
    return core::unexpected{
        std::string("no response message (grpc-status OK without a HealthCheckResponse)")};
  }
  if (body.size() < prefix_size) {
    return core::unexpected{fmt::format(
        "truncated gRPC message: {} bytes, shorter than its 5-byte prefix", body.size())};
  }
  const auto flag = static_cast<unsigned char>(body[0]);
  if (flag == 1) {
    return core::unexpected{std::string(
        "the response message is compressed, though no compression was offered (grpc-encoding)")};
  }
  if (flag != 0) {
    return core::unexpected{fmt::format("bad gRPC message flag 0x{:02x}", flag)};
  }
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(body[i]));
  };
  const std::uint32_t length = byte(1) << 24 | byte(2) << 16 | byte(3) << 8 | byte(4);
  if (length > max_message) {
    return core::unexpected{
        fmt::format("the response message declares {} bytes, more than the {} byte limit", length,
                    max_message)};
  }
  const auto rest = body.substr(prefix_size);
  if (rest.size() < length) {
    return core::unexpected{
        fmt::format("truncated gRPC message: {} of {} bytes", rest.size(), length)};
  }
  if (rest.size() > length) {
    return core::unexpected{
        fmt::format("{} bytes after the response message (a unary call answers one message)",
                    rest.size() - length)};
  }
  return parse_message(rest.substr(0, length));
}

std::optional<std::string_view> serving_status_name(std::uint64_t status) {
  static constexpr std::array<std::string_view, 4> names = {"UNKNOWN", "SERVING", "NOT_SERVING",
                                                            "SERVICE_UNKNOWN"};
  if (status >= names.size()) return std::nullopt;
  return names[static_cast<std::size_t>(status)];
}

std::string status_code_name(int code) {
  static constexpr std::array<std::string_view, 17> names = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  if (code >= 0 && static_cast<std::size_t>(code) < names.size()) {
    return std::string(names[static_cast<std::size_t>(code)]);
  }
  return fmt::format("code {}", code);
}

std::string percent_decode(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex(text[i + 1]), low = hex(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace fleetcheck::probe::grpc
