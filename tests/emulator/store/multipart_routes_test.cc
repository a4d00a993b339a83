// The multipart rows of the route table win over the generic bucket and object rows.
#include <doctest/doctest.h>

#include "emulator/protocol/routes.h"

namespace {

std::string Winner(const std::string& method, emulator::PathForm form, std::vector<std::string> query,
                   std::vector<std::string> headers = {}) {
  emulator::RouteKey key;
  key.method = method;
  key.form = form;
  key.query_names = std::move(query);
  key.header_names = std::move(headers);
  auto r = emulator::MatchRoute(emulator::RouteTable(), key);
  if (!r.ok()) return "error:" + r.error().code;
  return (*r)->operation + " " + (*r)->action;
}

using emulator::PathForm;

}  // namespace

TEST_CASE("Multipart requests route to their operations and IAM actions") {
  CHECK(Winner("POST", PathForm::kObject, {"uploads"}) == "CreateMultipartUpload s3:PutObject");
  CHECK(Winner("PUT", PathForm::kObject, {"partNumber", "uploadId"}) == "UploadPart s3:PutObject");
  CHECK(Winner("PUT", PathForm::kObject, {"uploadId", "partNumber"}, {"x-amz-copy-source"}) ==
        "UploadPartCopy s3:PutObject");
  CHECK(Winner("POST", PathForm::kObject, {"uploadId"}) == "CompleteMultipartUpload s3:PutObject");
  CHECK(Winner("DELETE", PathForm::kObject, {"uploadId"}) == "AbortMultipartUpload s3:AbortMultipartUpload");
  CHECK(Winner("GET", PathForm::kObject, {"uploadId", "max-parts"}) == "ListParts s3:ListMultipartUploadParts");
  CHECK(Winner("GET", PathForm::kBucket, {"uploads", "prefix"}) ==
        "ListMultipartUploads s3:ListBucketMultipartUploads");
  CHECK(Winner("GET", PathForm::kBucket, {}) == "ListObjects s3:ListBucket");
}
