#pragma once

#include <string>
#include <utility>
#include <variant>

namespace fleetcheck::core {

/// Why a fallible helper failed: one sentence that says what is wrong, never where (the caller
/// knows the file:line, flag or target and adds it once).
struct unexpected {
  std::string why;
};

/// A value or the reason there is none, for the control plane's fallible helpers (URL, size,
/// duration parsing): the caller branches once and adds the "where", instead of catching and
/// re-throwing. A minimal stand-in for C++23's std::expected<T, std::string>.
template <class T>
class expected {
 public:
  expected(T value) : state_(std::move(value)) {}   // NOLINT: implicit, like std::expected
  expected(unexpected e) : state_(std::move(e)) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& operator*() & { return std::get<0>(state_); }
  const T& operator*() const& { return std::get<0>(state_); }
  T&& operator*() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  const std::string& error() const { return std::get<1>(state_).why; }

 private:
  std::variant<T, unexpected> state_;
};

}  // namespace fleetcheck::core
