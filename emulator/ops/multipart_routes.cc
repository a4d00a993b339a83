// Route rows of the multipart operations (owner: H4). One line per operation; see
// emulator/protocol/op.h for the row format. These rows are matched before the generic object rows;
// UploadPartCopy (x-amz-copy-source) comes before UploadPart.
#include <algorithm>

#include "emulator/ops/multipart.h"
#include "emulator/protocol/op.h"

namespace emulator {

void AppendMultipartRoutes(std::vector<Route>& rows) {
  rows.push_back({"POST", PathForm::kObject, {"uploads"}, "", "CreateMultipartUpload", "s3:PutObject", kObjectArn,
                  ops::CreateMultipartUpload});
  rows.push_back({"PUT", PathForm::kObject, {"partNumber", "uploadId"}, "x-amz-copy-source", "UploadPartCopy",
                  "s3:PutObject", kObjectArn, ops::UploadPartCopy});
  rows.push_back({"PUT", PathForm::kObject, {"partNumber", "uploadId"}, "", "UploadPart", "s3:PutObject", kObjectArn,
                  ops::UploadPart});
  rows.push_back({"POST", PathForm::kObject, {"uploadId"}, "", "CompleteMultipartUpload", "s3:PutObject", kObjectArn,
                  ops::CompleteMultipartUpload});
  rows.push_back({"DELETE", PathForm::kObject, {"uploadId"}, "", "AbortMultipartUpload", "s3:AbortMultipartUpload",
                  kObjectArn, ops::AbortMultipartUpload});
  rows.push_back({"GET", PathForm::kObject, {"uploadId"}, "", "ListParts", "s3:ListMultipartUploadParts", kObjectArn,
                  ops::ListParts});
  // The bucket-level row must precede the generic "GET /bucket" (ListObjects) row, which may already
  // be in `rows`: insert it in front of that row.
  Route list_uploads{"GET", PathForm::kBucket, {"uploads"}, "", "ListMultipartUploads",
                     "s3:ListBucketMultipartUploads", kBucketArn, ops::ListMultipartUploads};
  auto generic = std::find_if(rows.begin(), rows.end(), [](const Route& r) {
    return r.method == "GET" && r.form == PathForm::kBucket && r.query.empty() && r.header.empty();
  });
  rows.insert(generic, list_uploads);
}

}  // namespace emulator
