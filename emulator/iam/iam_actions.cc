// The IAM and STS actions (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html). Each authorizes
// iam:<Action>, calls the identity store and returns the inner XML of its Result element.
// List actions page with MaxItems/Marker (PageList in iam_api.cc, default 100 as AWS).
#include <map>

#include "common/identity/identity_store.h"
#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "emulator/iam/iam_internal.h"
#include "emulator/protocol/xml.h"

namespace emulator::iam {
namespace {

using common::Result;
using common::identity::IdentityStore;

IdentityStore& Store(const IamRequest& r) { return *r.services->identity; }
const std::string& Account(const IamRequest& r) { return r.principal.account_id; }

std::string RenderUser(const common::identity::User& u) {
  std::string out = "<User>";
  out += "<Path>" + XmlEscape(u.path) + "</Path>";
  out += "<UserName>" + XmlEscape(u.user_name) + "</UserName>";
  out += "<UserId>" + XmlEscape(u.user_id) + "</UserId>";
  out += "<Arn>" + XmlEscape(u.arn) + "</Arn>";
  out += "<CreateDate>" + Date(u.create_millis) + "</CreateDate>";
  out += "</User>";
  return out;
}

// The user an action targets: UserName, or the caller itself when absent (IAM's rule for
// GetUser/CreateAccessKey/ListAccessKeys/DeleteAccessKey). "" = the root user.
std::string TargetUser(const IamRequest& r) {
  std::string name = Param(r, "UserName");
  return name.empty() ? r.principal.user_name : name;
}

std::string TargetArn(const IamRequest& r, const std::string& user) {
  return user.empty() ? r.principal.arn : UserArn(r, user);
}

Result<std::string> CreateUser(const IamRequest& r) {
  auto name = Required(r, "UserName");
  if (!name.ok()) return name.error();
  std::string path = Param(r, "Path");
  S3LAB_TRY(Authorize(r, "iam:CreateUser",
                      "arn:aws:iam::" + Account(r) + ":user" + (path.empty() ? "/" : path) + *name));
  auto user = Store(r).CreateUser(Account(r), *name, path.empty() ? "/" : path);
  if (!user.ok()) return user.error();
  return RenderUser(*user);
}

Result<std::string> GetUser(const IamRequest& r) {
  std::string name = TargetUser(r);
  S3LAB_TRY(Authorize(r, "iam:GetUser", TargetArn(r, name)));
  if (name.empty()) {  // the root user
    return "<User>" + Tag("UserId", Account(r)) + Tag("Arn", r.principal.arn) + Tag("CreateDate", Date(0)) +
           "</User>";
  }
  auto user = Store(r).GetUser(Account(r), name);
  if (!user.ok()) return user.error();
  return RenderUser(*user);
}

Result<std::string> ListUsers(const IamRequest& r) {
  S3LAB_TRY(Authorize(r, "iam:ListUsers", "arn:aws:iam::" + Account(r) + ":user/"));
  std::vector<std::string> members;
  for (const auto& u : Store(r).ListUsers(Account(r))) {
    std::string user = RenderUser(u);
    members.push_back("<member>" + user.substr(6, user.size() - 13) + "</member>");  // strip <User></User>
  }
  return PageList(r, "Users", members);
}

Result<std::string> DeleteUser(const IamRequest& r) {
  auto name = Required(r, "UserName");
  if (!name.ok()) return name.error();
  S3LAB_TRY(Authorize(r, "iam:DeleteUser", UserArn(r, *name)));
  S3LAB_TRY(Store(r).DeleteUser(Account(r), *name));
  return std::string();
}

Result<std::string> CreateAccessKey(const IamRequest& r) {
  std::string name = TargetUser(r);
  S3LAB_TRY(Authorize(r, "iam:CreateAccessKey", TargetArn(r, name)));
  auto key = Store(r).CreateAccessKey(Account(r), name);
  if (!key.ok()) return key.error();
  std::string out = "<AccessKey>";
  if (!key->user_name.empty()) out += Tag("UserName", key->user_name);
  out += Tag("AccessKeyId", key->access_key_id) + Tag("Status", key->status) +
         Tag("SecretAccessKey", key->secret_access_key) + Tag("CreateDate", Date(key->create_millis));
  return out + "</AccessKey>";
}

Result<std::string> ListAccessKeys(const IamRequest& r) {
  std::string name = TargetUser(r);
  S3LAB_TRY(Authorize(r, "iam:ListAccessKeys", TargetArn(r, name)));
  if (!name.empty()) {
    auto user = Store(r).GetUser(Account(r), name);
    if (!user.ok()) return user.error();
  }
  std::vector<std::string> members;
  for (const auto& k : Store(r).ListAccessKeys(Account(r), name)) {
    std::string m = "<member>";
    if (!k.user_name.empty()) m += Tag("UserName", k.user_name);
    m += Tag("AccessKeyId", k.access_key_id) + Tag("Status", k.status) + Tag("CreateDate", Date(k.create_millis));
    members.push_back(m + "</member>");
  }
  auto page = PageList(r, "AccessKeyMetadata", members);
  if (!page.ok()) return page.error();
  return (name.empty() ? "" : "<UserName>" + XmlEscape(name) + "</UserName>") + *page;
}

Result<std::string> DeleteAccessKey(const IamRequest& r) {
  auto id = Required(r, "AccessKeyId");
  if (!id.ok()) return id.error();
  std::string name = TargetUser(r);
  S3LAB_TRY(Authorize(r, "iam:DeleteAccessKey", TargetArn(r, name)));
  S3LAB_TRY(Store(r).DeleteAccessKey(Account(r), name, *id));
  return std::string();
}

Result<std::string> PutUserPolicy(const IamRequest& r) {
  auto name = Required(r, "UserName");
  if (!name.ok()) return name.error();
  auto policy = Required(r, "PolicyName");
  if (!policy.ok()) return policy.error();
  auto doc = Required(r, "PolicyDocument");
  if (!doc.ok()) return doc.error();
  S3LAB_TRY(Authorize(r, "iam:PutUserPolicy", UserArn(r, *name)));
  S3LAB_TRY(Store(r).PutUserPolicy(Account(r), *name, *policy, *doc));
  return std::string();
}

Result<std::string> GetUserPolicy(const IamRequest& r) {
  auto name = Required(r, "UserName");
  if (!name.ok()) return name.error();
  auto policy = Required(r, "PolicyName");
  if (!policy.ok()) return policy.error();
  S3LAB_TRY(Authorize(r, "iam:GetUserPolicy", UserArn(r, *name)));
  auto doc = Store(r).GetUserPolicy(Account(r), *name, *policy);
  if (!doc.ok()) return doc.error();
  // AWS returns the document URL-encoded (RFC 3986); botocore decodes it.
  return Tag("UserName", *name) + Tag("PolicyName", *policy) +
         Tag("PolicyDocument", common::util::UriEncode(*doc, true));
}

Result<std::string> DeleteUserPolicy(const IamRequest& r) {
  auto name = Required(r, "UserName");
  if (!name.ok()) return name.error();
  auto policy = Required(r, "PolicyName");
  if (!policy.ok()) return policy.error();
  S3LAB_TRY(Authorize(r, "iam:DeleteUserPolicy", UserArn(r, *name)));
  S3LAB_TRY(Store(r).DeleteUserPolicy(Account(r), *name, *policy));
  return std::string();
}

Result<std::string> ListUserPolicies(const IamRequest& r) {
  auto name = Required(r, "UserName");
  if (!name.ok()) return name.error();
  S3LAB_TRY(Authorize(r, "iam:ListUserPolicies", UserArn(r, *name)));
  auto names = Store(r).ListUserPolicies(Account(r), *name);
  if (!names.ok()) return names.error();
  std::vector<std::string> members;
  for (const auto& n : *names) members.push_back(Tag("member", n));
  return PageList(r, "PolicyNames", members);
}

Result<std::string> CreatePolicy(const IamRequest& r) {
  auto name = Required(r, "PolicyName");
  if (!name.ok()) return name.error();
  auto doc = Required(r, "PolicyDocument");
  if (!doc.ok()) return doc.error();
  std::string path = Param(r, "Path");
  if (path.empty()) path = "/";
  S3LAB_TRY(Authorize(r, "iam:CreatePolicy", "arn:aws:iam::" + Account(r) + ":policy" + path + *name));
  auto p = Store(r).CreatePolicy(Account(r), *name, path, *doc);
  if (!p.ok()) return p.error();
  return "<Policy>" + Tag("PolicyName", p->name) + Tag("PolicyId", p->policy_id) + Tag("Arn", p->arn) +
         Tag("Path", p->path) + Tag("DefaultVersionId", "v1") + Tag("AttachmentCount", "0") +
         Tag("PermissionsBoundaryUsageCount", "0") + Tag("IsAttachable", "true") +
         Tag("CreateDate", Date(p->create_millis)) + Tag("UpdateDate", Date(p->create_millis)) + "</Policy>";
}

Result<std::string> AttachUserPolicy(const IamRequest& r) {
  auto name = Required(r, "UserName");
  if (!name.ok()) return name.error();
  auto arn = Required(r, "PolicyArn");
  if (!arn.ok()) return arn.error();
  S3LAB_TRY(Authorize(r, "iam:AttachUserPolicy", UserArn(r, *name)));
  S3LAB_TRY(Store(r).AttachUserPolicy(Account(r), *name, *arn));
  return std::string();
}

Result<std::string> DetachUserPolicy(const IamRequest& r) {
  auto name = Required(r, "UserName");
  if (!name.ok()) return name.error();
  auto arn = Required(r, "PolicyArn");
  if (!arn.ok()) return arn.error();
  S3LAB_TRY(Authorize(r, "iam:DetachUserPolicy", UserArn(r, *name)));
  S3LAB_TRY(Store(r).DetachUserPolicy(Account(r), *name, *arn));
  return std::string();
}

Result<std::string> ListAttachedUserPolicies(const IamRequest& r) {
  auto name = Required(r, "UserName");
  if (!name.ok()) return name.error();
  S3LAB_TRY(Authorize(r, "iam:ListAttachedUserPolicies", UserArn(r, *name)));
  auto list = Store(r).ListAttachedUserPolicies(Account(r), *name);
  if (!list.ok()) return list.error();
  std::vector<std::string> members;
  for (const auto& p : *list)
    members.push_back("<member>" + Tag("PolicyName", p.name) + Tag("PolicyArn", p.arn) + "</member>");
  return PageList(r, "AttachedPolicies", members);
}

// STS: allowed for every authenticated caller (AWS: no permission needed).
Result<std::string> GetCallerIdentity(const IamRequest& r) {
  return Tag("Arn", r.principal.arn) + Tag("UserId", r.principal.user_id) + Tag("Account", Account(r));
}

}  // namespace

const ActionFn* FindAction(const std::string& service, const std::string& action) {
  static const std::map<std::string, ActionFn> kIam = {
      {"CreateUser", CreateUser},
      {"GetUser", GetUser},
      {"ListUsers", ListUsers},
      {"DeleteUser", DeleteUser},
      {"CreateAccessKey", CreateAccessKey},
      {"ListAccessKeys", ListAccessKeys},
      {"DeleteAccessKey", DeleteAccessKey},
      {"PutUserPolicy", PutUserPolicy},
      {"GetUserPolicy", GetUserPolicy},
      {"DeleteUserPolicy", DeleteUserPolicy},
      {"ListUserPolicies", ListUserPolicies},
      {"CreatePolicy", CreatePolicy},
      {"AttachUserPolicy", AttachUserPolicy},
      {"DetachUserPolicy", DetachUserPolicy},
      {"ListAttachedUserPolicies", ListAttachedUserPolicies},
  };
  static const std::map<std::string, ActionFn> kSts = {{"GetCallerIdentity", GetCallerIdentity}};
  const auto& table = service == "sts" ? kSts : kIam;
  auto it = table.find(action);
  if (it == table.end()) return service == "iam" ? FindMfaAction(action) : nullptr;
  return &it->second;
}

}  // namespace emulator::iam
