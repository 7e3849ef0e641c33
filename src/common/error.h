#pragma once
// The one error type that crosses layers (DESIGN.md): a kind plus a message, and the
// optional details the faces need to render their own wire shapes.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cleanroom {

// Canonical kinds, as Abseil's status codes: what went wrong, in no face's words. Each face maps
// them (and the details below) to its own wire shape: api/cleanrooms/error_shape.cpp,
// api/amc/amc_face.cpp.
enum class ErrorKind {
  Validation,       // the caller's input is wrong
  Unauthenticated,  // no or bad credentials
  AccessDenied,     // authenticated, but not allowed
  NotFound,
  Conflict,   // the resource's state refuses the call
  Cancelled,  // the work was cancelled while it ran
  QuotaExceeded,
  Throttled,
  NotImplemented,
  Internal,
};

// The rule the caller broke, for kinds where a client acts on it.
enum class Cause {
  Unspecified,
  // Validation
  InvalidField,          // one field's value (the default for Validation)
  InvalidConfiguration,  // settings that do not go together, or an analysis rule
  InvalidQuery,          // the SQL or its parameters
  // Conflict
  AlreadyExists,
  InUse,         // other resources still depend on it
  InvalidState,  // its status does not allow the call
  // Unauthenticated: what is wrong with a signed request (SigV4)
  MissingCredentials,
  IncompleteSignature,
  InvalidSignature,
  UnknownAccessKey,
};

// What a NotFound or Conflict is about.
enum class Resource {
  Unspecified,
  // Clean Rooms resources
  Collaboration,
  Membership,
  ConfiguredTable,
  ConfiguredTableAssociation,
  AnalysisTemplate,
  ProtectedQuery,
  PrivacyBudgetTemplate,
  ChangeRequest,
  IdNamespaceAssociation,
  IdMappingTable,
  // the rest of the house
  Account,
  User,
  Bucket,
  Object,
  Dataset,
  AmcAccount,
  AmcDataSet,
  Upload,
  PlatformIdentityTable,
  Instance,
  Advertiser,
  AdvertiserUpdate,
  Invitation,
  Workflow,
  WorkflowExecution,
  Schedule,
  Result,
  Route,  // a path no operation serves
};

// The noun a message uses for a resource ("configured table association").
std::string_view resource_noun(Resource r);

struct Error {
  Error(ErrorKind k = ErrorKind::Internal, std::string msg = {})
      : kind(k), message(std::move(msg)) {}

  ErrorKind kind;
  std::string message;
  std::string field;  // the input field at fault, when there is one
  Cause cause = Cause::Unspecified;
  Resource resource = Resource::Unspecified;
  std::string resource_id;

  static Error validation(std::string msg, std::string field = {}) {
    return Error(ErrorKind::Validation, std::move(msg))
        .at(std::move(field))
        .because(Cause::InvalidField);
  }
  static Error invalid_configuration(std::string msg, std::string field = {}) {
    return Error(ErrorKind::Validation, std::move(msg))
        .at(std::move(field))
        .because(Cause::InvalidConfiguration);
  }
  static Error invalid_query(std::string msg) {
    return Error(ErrorKind::Validation, std::move(msg)).because(Cause::InvalidQuery);
  }
  static Error unauthenticated(std::string msg, Cause c = Cause::Unspecified) {
    return Error(ErrorKind::Unauthenticated, std::move(msg)).because(c);
  }
  static Error access_denied(std::string msg) { return {ErrorKind::AccessDenied, std::move(msg)}; }
  static Error not_found(Resource r, std::string id) {
    std::string msg = std::string(resource_noun(r)) + " " + id + " not found";
    return Error(ErrorKind::NotFound, std::move(msg)).about(r, std::move(id));
  }
  static Error conflict(std::string msg, Cause c, Resource r = Resource::Unspecified,
                        std::string id = {}) {
    return Error(ErrorKind::Conflict, std::move(msg)).because(c).about(r, std::move(id));
  }
  static Error cancelled(std::string msg) { return {ErrorKind::Cancelled, std::move(msg)}; }
  static Error quota_exceeded(std::string msg) {
    return {ErrorKind::QuotaExceeded, std::move(msg)};
  }
  static Error throttled(std::string msg) { return {ErrorKind::Throttled, std::move(msg)}; }
  static Error not_implemented(std::string msg) {
    return {ErrorKind::NotImplemented, std::move(msg)};
  }
  static Error internal(std::string msg) { return {ErrorKind::Internal, std::move(msg)}; }

  // Details, chained onto a factory: Error::validation(...).at("name").
  Error at(std::string field_name) && {
    field = std::move(field_name);
    return std::move(*this);
  }
  Error because(Cause c) && {
    cause = c;
    return std::move(*this);
  }
  Error about(Resource r, std::string id) && {
    resource = r;
    resource_id = std::move(id);
    return std::move(*this);
  }
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
#define CR_TRY(expr)                       \
  do {                                     \
    auto _cr_s = (expr);                   \
    if (!_cr_s.ok()) return _cr_s.error(); \
  } while (0)

#define CR_CONCAT_INNER(a, b) a##b
#define CR_CONCAT(a, b) CR_CONCAT_INNER(a, b)
#define CR_ASSIGN(lhs, expr) CR_ASSIGN_IMPL(CR_CONCAT(_cr_r_, __LINE__), lhs, expr)
#define CR_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                   \
  if (!tmp.ok()) return tmp.error();   \
  lhs = std::move(tmp).value()
