// The S3 route table (see routes.h). Specific rows first: sub-resource rows, then the copy row (header
// predicate), then the generic object/bucket rows.
#include "emulator/protocol/routes.h"

#include <algorithm>
#include <set>

#include "emulator/ops/ops.h"
#include "emulator/protocol/errors.h"

namespace emulator {
namespace {

using P = PathForm;

std::vector<Route> BuildTable() {
  // clang-format off
  // method   form           sub-resources  header  operation  IAM action  resource  handler  [versioned action]
  std::vector<Route> rows = {
      {"GET",    P::kService, {},                    "", "ListBuckets",          "s3:ListAllMyBuckets",    kServiceArn, ops::ListBuckets},
      // Bucket sub-resources.
      {"GET",    P::kBucket,  {"location"},          "", "GetBucketLocation",    "s3:GetBucketLocation",   kBucketArn, ops::GetBucketLocation},
      {"GET",    P::kBucket,  {"versioning"},        "", "GetBucketVersioning",  "s3:GetBucketVersioning", kBucketArn, ops::GetBucketVersioning},
      {"PUT",    P::kBucket,  {"versioning"},        "", "PutBucketVersioning",  "s3:PutBucketVersioning", kBucketArn, ops::PutBucketVersioning},
      {"GET",    P::kBucket,  {"encryption"},        "", "GetBucketEncryption",  "s3:GetEncryptionConfiguration", kBucketArn, ops::GetBucketEncryption},
      {"PUT",    P::kBucket,  {"encryption"},        "", "PutBucketEncryption",  "s3:PutEncryptionConfiguration", kBucketArn, ops::PutBucketEncryption},
      // AWS authorizes DeleteBucketEncryption with s3:PutEncryptionConfiguration, as here.
      {"DELETE", P::kBucket,  {"encryption"},        "", "DeleteBucketEncryption", "s3:PutEncryptionConfiguration", kBucketArn, ops::DeleteBucketEncryption},
      {"GET",    P::kBucket,  {"policy"},            "", "GetBucketPolicy",      "s3:GetBucketPolicy",     kBucketArn, ops::GetBucketPolicy},
      {"PUT",    P::kBucket,  {"policy"},            "", "PutBucketPolicy",      "s3:PutBucketPolicy",     kBucketArn, ops::PutBucketPolicy},
      {"DELETE", P::kBucket,  {"policy"},            "", "DeleteBucketPolicy",   "s3:DeleteBucketPolicy",  kBucketArn, ops::DeleteBucketPolicy},
      {"GET",    P::kBucket,  {"acl"},               "", "GetBucketAcl",         "s3:GetBucketAcl",        kBucketArn, ops::GetBucketAcl},
      {"PUT",    P::kBucket,  {"acl"},               "", "PutBucketAcl",         "s3:PutBucketAcl",        kBucketArn, ops::PutBucketAcl},
      {"GET",    P::kBucket,  {"ownershipControls"}, "", "GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", kBucketArn, ops::GetBucketOwnershipControls},
      {"GET",    P::kBucket,  {"versions"},          "", "ListObjectVersions",   "s3:ListBucketVersions",  kBucketArn, ops::ListObjectVersions},
      // DeleteObjects authorizes s3:DeleteObject(Version) per key inside the operation (empty action).
      {"POST",   P::kBucket,  {"delete"},            "", "DeleteObjects",        "",                       kBucketArn, ops::DeleteObjects},
      {"GET",    P::kBucket,  {"list-type"},         "", "ListObjectsV2",        "s3:ListBucket",          kBucketArn, ops::ListObjectsV2},
      // Generic bucket rows.
      {"GET",    P::kBucket,  {},                    "", "ListObjects",          "s3:ListBucket",          kBucketArn, ops::ListObjects},
      {"HEAD",   P::kBucket,  {},                    "", "HeadBucket",           "s3:ListBucket",          kBucketArn, ops::HeadBucket},
      {"PUT",    P::kBucket,  {},                    "", "CreateBucket",         "s3:CreateBucket",        kBucketArn, ops::CreateBucket},
      {"DELETE", P::kBucket,  {},                    "", "DeleteBucket",         "s3:DeleteBucket",        kBucketArn, ops::DeleteBucket},
      // Object sub-resources.
      {"GET",    P::kObject,  {"acl"},               "", "GetObjectAcl",         "s3:GetObjectAcl",        kObjectArn, ops::GetObjectAcl, "s3:GetObjectVersionAcl"},
      {"PUT",    P::kObject,  {"acl"},               "", "PutObjectAcl",         "s3:PutObjectAcl",        kObjectArn, ops::PutObjectAcl, "s3:PutObjectVersionAcl"},
  };
  // Multipart rows (H4): they all require ?uploads or ?uploadId, so they precede the generic rows.
  AppendMultipartRoutes(rows);
  std::vector<Route> generic = {
      {"PUT",    P::kObject,  {}, "x-amz-copy-source", "CopyObject",        "s3:PutObject",    kObjectArn, ops::CopyObject},
      {"PUT",    P::kObject,  {}, "",                  "PutObject",         "s3:PutObject",    kObjectArn, ops::PutObject},
      {"GET",    P::kObject,  {}, "",                  "GetObject",         "s3:GetObject",    kObjectArn, ops::GetObject,    "s3:GetObjectVersion"},
      // HeadObject is authorized as s3:GetObject, as AWS does.
      {"HEAD",   P::kObject,  {}, "",                  "HeadObject",        "s3:GetObject",    kObjectArn, ops::HeadObject,   "s3:GetObjectVersion"},
      {"DELETE", P::kObject,  {}, "",                  "DeleteObject",      "s3:DeleteObject", kObjectArn, ops::DeleteObject, "s3:DeleteObjectVersion"},
  };
  // clang-format on
  rows.insert(rows.end(), generic.begin(), generic.end());
  return rows;
}

// Configuration sub-resources S3 knows. One that no row names -> NotImplemented (not a generic row).
const std::set<std::string>& KnownSubresources() {
  static const std::set<std::string> kSet = {"accelerate",
                                             "acl",
                                             "analytics",
                                             "attributes",
                                             "cors",
                                             "delete",
                                             "encryption",
                                             "intelligent-tiering",
                                             "inventory",
                                             "legal-hold",
                                             "lifecycle",
                                             "location",
                                             "logging",
                                             "metadataTable",
                                             "metrics",
                                             "notification",
                                             "object-lock",
                                             "ownershipControls",
                                             "policy",
                                             "policyStatus",
                                             "publicAccessBlock",
                                             "renameObject",
                                             "replication",
                                             "requestPayment",
                                             "restore",
                                             "retention",
                                             "select",
                                             "session",
                                             "tagging",
                                             "torrent",
                                             "uploadId",
                                             "uploads",
                                             "versioning",
                                             "versions",
                                             "website"};
  return kSet;
}

const char* ResourceType(PathForm form) {
  switch (form) {
    case PathForm::kService:
      return "SERVICE";
    case PathForm::kBucket:
      return "BUCKET";
    case PathForm::kObject:
      return "OBJECT";
  }
  return "OBJECT";
}

}  // namespace

const std::vector<Route>& RouteTable() {
  static const std::vector<Route> kTable = BuildTable();
  return kTable;
}

PathForm FormOf(const std::string& bucket, const std::string& key) {
  if (bucket.empty()) return PathForm::kService;
  return key.empty() ? PathForm::kBucket : PathForm::kObject;
}

common::Result<const Route*> MatchRoute(const std::vector<Route>& table, const RouteKey& key) {
  auto has_query = [&](const std::string& name) {
    return std::find(key.query_names.begin(), key.query_names.end(), name) != key.query_names.end();
  };
  auto has_header = [&](const std::string& name) {
    if (key.request) return key.request->HasHeader(name);
    return std::find(key.header_names.begin(), key.header_names.end(), name) != key.header_names.end();
  };
  bool method_known = false;
  for (const Route& row : table) {
    if (row.form != key.form) continue;
    if (row.method == key.method) method_known = true;
    if (row.method != key.method) continue;
    if (!std::all_of(row.query.begin(), row.query.end(), has_query)) continue;
    if (!row.header.empty() && !has_header(row.header)) continue;
    // A known sub-resource the row does not handle means a different operation we do not implement.
    for (const auto& name : key.query_names) {
      if (KnownSubresources().count(name) &&
          std::find(row.query.begin(), row.query.end(), name) == row.query.end()) {
        return errors::NotImplemented("A header you provided implies functionality that is not implemented");
      }
    }
    return &row;
  }
  (void)method_known;
  return errors::MethodNotAllowed(key.method, ResourceType(key.form));
}

std::string ResourceArn(const Route& route, const std::string& bucket, const std::string& key) {
  std::string out = route.resource;
  auto replace = [&](const std::string& what, const std::string& with) {
    auto pos = out.find(what);
    if (pos != std::string::npos) out.replace(pos, what.size(), with);
  };
  replace("{bucket}", bucket);
  replace("{key}", key);
  return out;
}

}  // namespace emulator
