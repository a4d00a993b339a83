// Errors are values. Every fallible function in s3lab returns Result<T>: either a T or an AwsError that
// carries the AWS wire code, the exact message, the HTTP status and any extra elements the service puts
// in its error body (S3: <BucketName>, <Key>, ...). Services map codes to wire shapes in their own
// protocol/ folder; library exceptions are caught where they enter and turned into AwsError.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace common {

struct AwsError {
  std::string code;
  std::string message;
  int http_status = 400;
  // Extra (name, value) elements rendered into the error body in order, e.g. {"BucketName", "notes"}.
  std::vector<std::pair<std::string, std::string>> extra;

  AwsError& With(std::string name, std::string value) {
    extra.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  // Value of an extra element, or "" when absent.
  std::string Extra(const std::string& name) const {
    for (const auto& [k, v] : extra)
      if (k == name) return v;
    return {};
  }
};

inline AwsError MakeError(std::string code, std::string message, int status) {
  return AwsError{std::move(code), std::move(message), status, {}};
}

// Result<T>: a value or an AwsError. Result<void> is spelled Status.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Result(AwsError error) : v_(std::move(error)) {}    // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  const AwsError& error() const { return std::get<1>(v_); }
  AwsError& error() { return std::get<1>(v_); }

 private:
  std::variant<T, AwsError> v_;
};

struct Ok {};
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Ok) {}                                                   // NOLINT(google-explicit-constructor)
  Status(AwsError error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const AwsError& error() const { return error_; }

 private:
  AwsError error_;
  bool ok_ = true;
};

// Propagate an error from an expression returning Result/Status.
#define S3LAB_TRY(expr)                        \
  do {                                         \
    auto s3lab_try_ = (expr);                  \
    if (!s3lab_try_.ok()) return s3lab_try_.error(); \
  } while (0)

}  // namespace common
