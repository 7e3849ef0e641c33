#pragma once
// The one error type that crosses layers (DESIGN.md): a kind plus a message, and the
// optional details the faces need to render their own wire shapes.
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cleanroom {

enum class ErrorKind {
  Validation,       // the caller's input is wrong
  Unauthenticated,  // no or bad credentials
  AccessDenied,     // authenticated, but not allowed
  NotFound,
  Conflict,
  QuotaExceeded,
  Throttled,
  NotImplemented,
  Internal,
};

struct Error {
  Error(ErrorKind k = ErrorKind::Internal, std::string msg = {}, std::string field_name = {},
        std::string reason_code = {}, std::string type = {}, std::string id = {})
      : kind(k),
        message(std::move(msg)),
        field(std::move(field_name)),
        reason(std::move(reason_code)),
        resource_type(std::move(type)),
        resource_id(std::move(id)) {}

  ErrorKind kind;
  std::string message;
  std::string field;          // the offending input field, when there is one
  std::string reason;         // Clean Rooms' `reason` enum value or an AWS auth error code
  std::string resource_type;  // for NotFound / Conflict
  std::string resource_id;

  static Error validation(std::string msg, std::string field = {}) {
    return {ErrorKind::Validation, std::move(msg), std::move(field), "FIELD_VALIDATION_FAILED", {}, {}};
  }
  static Error invalid_configuration(std::string msg) {
    return {ErrorKind::Validation, std::move(msg), {}, "INVALID_CONFIGURATION", {}, {}};
  }
  static Error unauthenticated(std::string msg) { return {ErrorKind::Unauthenticated, std::move(msg)}; }
  static Error access_denied(std::string msg) {
    return {ErrorKind::AccessDenied, std::move(msg), {}, "INSUFFICIENT_PERMISSIONS", {}, {}};
  }
  // `type` is the Clean Rooms ResourceType (e.g. MEMBERSHIP) or a plain noun.
  static Error not_found(std::string type, std::string id) {
    std::string noun;
    for (char c : type) noun.push_back(c == '_' ? ' ' : static_cast<char>(std::tolower(c)));
    return {ErrorKind::NotFound, noun + " " + id + " not found", {}, {}, std::move(type), std::move(id)};
  }
  static Error conflict(std::string msg, std::string reason, std::string type = {}, std::string id = {}) {
    return {ErrorKind::Conflict, std::move(msg), {}, std::move(reason), std::move(type), std::move(id)};
  }
  static Error not_implemented(std::string msg) { return {ErrorKind::NotImplemented, std::move(msg)}; }
  static Error internal(std::string msg) { return {ErrorKind::Internal, std::move(msg)}; }
};

// Result<T>: a value or an Error. (std::expected is C++23; GCC 12 lacks it.)
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}
  static Status Ok() { return {}; }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

// For calls whose value is not needed: success or the error.
template <typename T>
Status status_of(const Result<T>& r) {
  if (r.ok()) return {};
  return r.error();
}

}  // namespace cleanroom

// Return early on error; keeps the happy path unindented.
#define CR_TRY(expr)                                   \
  do {                                                 \
    auto _cr_s = (expr);                               \
    if (!_cr_s.ok()) return _cr_s.error();             \
  } while (0)

#define CR_CONCAT_INNER(a, b) a##b
#define CR_CONCAT(a, b) CR_CONCAT_INNER(a, b)
#define CR_ASSIGN(lhs, expr) CR_ASSIGN_IMPL(CR_CONCAT(_cr_r_, __LINE__), lhs, expr)
#define CR_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                   \
  if (!tmp.ok()) return tmp.error();   \
  lhs = std::move(tmp).value()
