#include "kms/protocol/json_fields.h"

#include <cctype>

#include "common/util/encoding.h"
#include "kms/model/errors.h"

namespace kms::protocol {

namespace {

common::AwsError WrongType(const char* member) {
  return errors::Serialization(std::string("Unexpected value type for member ") + member);
}

const Json* Member(const Json& body, const char* member) {
  auto it = body.find(member);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

std::string CamelMember(const std::string& member) {
  std::string out = member;
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

Status CheckLength(const std::string& value, const char* member, size_t min_len, size_t max_len) {
  if (value.size() < min_len)
    return errors::ValidationValue(
        value, CamelMember(member),
        "Member must have length greater than or equal to " + std::to_string(min_len));
  if (value.size() > max_len)
    return errors::ValidationValue(
        value, CamelMember(member),
        "Member must have length less than or equal to " + std::to_string(max_len));
  return common::Ok{};
}

Status CheckEnum(const std::string& value, const char* member, const std::vector<std::string>& allowed) {
  for (const auto& a : allowed)
    if (a == value) return common::Ok{};
  std::string set;
  for (const auto& a : allowed) set += (set.empty() ? "" : ", ") + a;
  return errors::ValidationValue(value, CamelMember(member),
                                 "Member must satisfy enum value set: [" + set + "]");
}

Status CheckRange(int64_t value, const char* member, int64_t min, int64_t max) {
  if (value < min)
    return errors::ValidationValue(std::to_string(value), CamelMember(member),
                                   "Member must have value greater than or equal to " + std::to_string(min));
  if (value > max)
    return errors::ValidationValue(std::to_string(value), CamelMember(member),
                                   "Member must have value less than or equal to " + std::to_string(max));
  return common::Ok{};
}

Result<std::optional<std::string>> OptionalString(const Json& body, const char* member) {
  const Json* v = Member(body, member);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(member);
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::string> RequiredString(const Json& body, const char* member, size_t min_len, size_t max_len) {
  auto v = OptionalString(body, member);
  if (!v.ok()) return v.error();
  if (!v->has_value())
    return errors::Validation("1 validation error detected: Value null at '" + CamelMember(member) +
                              "' failed to satisfy constraint: Member must not be null");
  S3LAB_TRY(CheckLength(**v, member, min_len, max_len));
  return std::move(**v);
}

Result<std::optional<int64_t>> OptionalInt(const Json& body, const char* member) {
  const Json* v = Member(body, member);
  if (v == nullptr) return std::optional<int64_t>();
  if (!v->is_number_integer()) return WrongType(member);
  return std::optional<int64_t>(v->get<int64_t>());
}

Result<std::optional<bool>> OptionalBool(const Json& body, const char* member) {
  const Json* v = Member(body, member);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return WrongType(member);
  return std::optional<bool>(v->get<bool>());
}

Result<std::optional<std::string>> OptionalBlob(const Json& body, const char* member, size_t min_len,
                                                size_t max_len) {
  const Json* v = Member(body, member);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(member);
  auto bytes = common::util::Base64Decode(v->get_ref<const std::string&>());
  if (!bytes) return errors::Serialization(std::string("Invalid base64 in member ") + member);
  if (bytes->size() < min_len)
    return errors::ValidationNoValue(
        CamelMember(member), "Member must have length greater than or equal to " + std::to_string(min_len));
  if (bytes->size() > max_len)
    return errors::ValidationNoValue(
        CamelMember(member), "Member must have length less than or equal to " + std::to_string(max_len));
  return std::optional<std::string>(std::move(*bytes));
}

Result<std::map<std::string, std::string>> StringMap(const Json& body, const char* member) {
  std::map<std::string, std::string> out;
  const Json* v = Member(body, member);
  if (v == nullptr) return out;
  if (!v->is_object()) return WrongType(member);
  for (const auto& [k, val] : v->items()) {
    if (!val.is_string()) return WrongType(member);
    out[k] = val.get<std::string>();
  }
  return out;
}

Result<std::vector<std::string>> StringList(const Json& body, const char* member) {
  std::vector<std::string> out;
  const Json* v = Member(body, member);
  if (v == nullptr) return out;
  if (!v->is_array()) return WrongType(member);
  for (const auto& item : *v) {
    if (!item.is_string()) return WrongType(member);
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> TagList(const Json& body, const char* member) {
  std::vector<std::pair<std::string, std::string>> out;
  const Json* v = Member(body, member);
  if (v == nullptr) return out;
  if (!v->is_array()) return WrongType(member);
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    if (!item.is_object()) return WrongType(member);
    auto key = OptionalString(item, "TagKey");
    if (!key.ok()) return key.error();
    auto value = OptionalString(item, "TagValue");
    if (!value.ok()) return value.error();
    std::string at = CamelMember(member) + "." + std::to_string(i + 1) + ".member.";
    if (!key->has_value())
      return errors::Validation("1 validation error detected: Value null at '" + at +
                                "tagKey' failed to satisfy constraint: Member must not be null");
    if (!value->has_value())
      return errors::Validation("1 validation error detected: Value null at '" + at +
                                "tagValue' failed to satisfy constraint: Member must not be null");
    if ((*key)->empty() || (*key)->size() > 128)
      return errors::ValidationValue(**key, at + "tagKey",
                                     (*key)->empty() ? "Member must have length greater than or equal to 1"
                                                     : "Member must have length less than or equal to 128");
    if ((*value)->size() > 256)
      return errors::ValidationValue(**value, at + "tagValue",
                                     "Member must have length less than or equal to 256");
    out.emplace_back(std::move(**key), std::move(**value));
  }
  return out;
}

}  // namespace kms::protocol
