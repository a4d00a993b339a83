// Which route row wins for each request shape (emulator/protocol/routes.h).
#include "emulator/protocol/routes.h"

#include <doctest/doctest.h>

namespace emulator {
namespace {

std::string Winner(const std::string& method, PathForm form, std::vector<std::string> query,
                   std::vector<std::string> headers = {}) {
  RouteKey key;
  key.method = method;
  key.form = form;
  key.query_names = std::move(query);
  key.header_names = std::move(headers);
  auto r = MatchRoute(RouteTable(), key);
  if (!r.ok()) return "error:" + r.error().code;
  return (*r)->operation;
}

TEST_CASE("GET on the service root is ListBuckets") {
  CHECK(Winner("GET", PathForm::kService, {}) == "ListBuckets");
}

TEST_CASE("bucket sub-resources pick their own rows before ListObjects") {
  CHECK(Winner("GET", PathForm::kBucket, {}) == "ListObjects");
  CHECK(Winner("GET", PathForm::kBucket, {"list-type", "prefix"}) == "ListObjectsV2");
  CHECK(Winner("GET", PathForm::kBucket, {"versions"}) == "ListObjectVersions");
  CHECK(Winner("GET", PathForm::kBucket, {"location"}) == "GetBucketLocation");
  CHECK(Winner("GET", PathForm::kBucket, {"versioning"}) == "GetBucketVersioning");
  CHECK(Winner("PUT", PathForm::kBucket, {"versioning"}) == "PutBucketVersioning");
  CHECK(Winner("GET", PathForm::kBucket, {"encryption"}) == "GetBucketEncryption");
  CHECK(Winner("DELETE", PathForm::kBucket, {"encryption"}) == "DeleteBucketEncryption");
  CHECK(Winner("PUT", PathForm::kBucket, {"policy"}) == "PutBucketPolicy");
  CHECK(Winner("GET", PathForm::kBucket, {"acl"}) == "GetBucketAcl");
  CHECK(Winner("GET", PathForm::kBucket, {"ownershipControls"}) == "GetBucketOwnershipControls");
  CHECK(Winner("POST", PathForm::kBucket, {"delete"}) == "DeleteObjects");
}

TEST_CASE("plain bucket methods are the bucket lifecycle operations") {
  CHECK(Winner("PUT", PathForm::kBucket, {}) == "CreateBucket");
  CHECK(Winner("HEAD", PathForm::kBucket, {}) == "HeadBucket");
  CHECK(Winner("DELETE", PathForm::kBucket, {}) == "DeleteBucket");
}

TEST_CASE("object rows: copy needs the x-amz-copy-source header") {
  CHECK(Winner("PUT", PathForm::kObject, {}) == "PutObject");
  CHECK(Winner("PUT", PathForm::kObject, {}, {"x-amz-copy-source"}) == "CopyObject");
  CHECK(Winner("GET", PathForm::kObject, {"versionId"}) == "GetObject");
  CHECK(Winner("GET", PathForm::kObject, {"response-content-type"}) == "GetObject");
  CHECK(Winner("HEAD", PathForm::kObject, {"partNumber"}) == "HeadObject");
  CHECK(Winner("DELETE", PathForm::kObject, {"versionId"}) == "DeleteObject");
  CHECK(Winner("GET", PathForm::kObject, {"acl"}) == "GetObjectAcl");
  CHECK(Winner("PUT", PathForm::kObject, {"acl"}) == "PutObjectAcl");
}

TEST_CASE("an unrouted configuration sub-resource is NotImplemented, not a generic row") {
  CHECK(Winner("GET", PathForm::kBucket, {"cors"}) == "error:NotImplemented");
  CHECK(Winner("PUT", PathForm::kBucket, {"tagging"}) == "error:NotImplemented");
  CHECK(Winner("GET", PathForm::kObject, {"tagging"}) == "error:NotImplemented");
}

TEST_CASE("a method no row serves is MethodNotAllowed with the resource type") {
  RouteKey key;
  key.method = "POST";
  key.form = PathForm::kService;
  auto r = MatchRoute(RouteTable(), key);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "MethodNotAllowed");
  CHECK(r.error().http_status == 405);
  CHECK(r.error().Extra("ResourceType") == "SERVICE");
}

TEST_CASE("route rows name the IAM action and resource pattern") {
  RouteKey key;
  key.method = "GET";
  key.form = PathForm::kObject;
  key.query_names = {"versionId"};
  auto r = MatchRoute(RouteTable(), key);
  REQUIRE(r.ok());
  CHECK((*r)->action == "s3:GetObject");
  CHECK((*r)->versioned_action == "s3:GetObjectVersion");
  CHECK(ResourceArn(**r, "bkt", "a/b c") == "arn:aws:s3:::bkt/a/b c");
}

TEST_CASE("FormOf tells service, bucket and object apart") {
  CHECK(FormOf("", "") == PathForm::kService);
  CHECK(FormOf("b", "") == PathForm::kBucket);
  CHECK(FormOf("b", "k") == PathForm::kObject);
}

}  // namespace
}  // namespace emulator
