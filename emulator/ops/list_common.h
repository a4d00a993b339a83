// Listing parameters and rendering shared by ListObjects (V1, V2) and ListObjectVersions:
// max-keys validation, encoding-type=url (botocore always asks for it and decodes Key, Prefix,
// Delimiter, markers and CommonPrefixes), Owner and Contents elements.
#pragma once

#include <string>

#include "common/error.h"
#include "emulator/protocol/op.h"
#include "emulator/protocol/xml.h"
#include "emulator/store/object_store.h"
#include "emulator/store/types.h"

namespace emulator::ops {

struct ListParams {
  std::string prefix;
  std::string delimiter;
  int max_keys = 1000;
  bool url_encode = false;
};

// prefix, delimiter, max-keys (InvalidArgument when not 0..2147483647; capped at 1000), encoding-type
// (InvalidArgument unless "url").
common::Result<ListParams> ParseListParams(const RequestContext& ctx);

// The store query for these parameters (prefix, delimiter, max-keys); markers are the caller's.
store::ListQuery ToListQuery(const ListParams& p);

// Applies encoding-type=url to a value (keys, prefixes, markers).
std::string ListEncode(const ListParams& p, const std::string& value);

// <Owner><ID>canonical id</ID></Owner>
void WriteOwner(XmlWriter& w, const std::string& canonical_id);

// Key, LastModified, ETag, ChecksumAlgorithm/ChecksumType, Size, StorageClass (+ Owner when asked).
void WriteObjectFields(XmlWriter& w, const ListParams& p, const store::ObjectVersion& v,
                       const std::string* owner_id);

}  // namespace emulator::ops
