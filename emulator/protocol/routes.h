// The S3 route table: one row per operation (method, path form, required sub-resources/header ->
// operation name, IAM action, resource ARN pattern, handler). Rows are tried in order; the first match
// wins, so specific rows come first. A request that carries a configuration sub-resource no row
// handles (?cors, ?tagging, ...) is answered NotImplemented instead of falling through to a generic row.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "emulator/protocol/op.h"

namespace emulator {

// The table (built once: S3 rows of routes.cc with the multipart rows of AppendMultipartRoutes()).
const std::vector<Route>& RouteTable();

// What matching looks at.
struct RouteKey {
  std::string method;
  PathForm form = PathForm::kService;
  std::vector<std::string> query_names;            // decoded names in the query string
  const common::http::Request* request = nullptr;  // for the header predicate (may be null in tests)
  std::vector<std::string> header_names;           // used when request is null
};

PathForm FormOf(const std::string& bucket, const std::string& key);

// The winning row, or MethodNotAllowed / NotImplemented.
common::Result<const Route*> MatchRoute(const std::vector<Route>& table, const RouteKey& key);

// Resource ARN of a row for a request ("arn:aws:s3:::bkt/key").
std::string ResourceArn(const Route& route, const std::string& bucket, const std::string& key);

}  // namespace emulator
