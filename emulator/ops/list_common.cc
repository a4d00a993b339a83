// Shared listing helpers (see list_common.h).
#include "emulator/ops/list_common.h"

#include "common/util/clock.h"
#include "common/util/encoding.h"
#include "emulator/ops/object_common.h"
#include "emulator/protocol/errors.h"

namespace emulator::ops {

store::ListQuery ToListQuery(const ListParams& p) {
  store::ListQuery q;
  q.prefix = p.prefix;
  q.delimiter = p.delimiter;
  q.max_keys = p.max_keys;
  return q;
}

common::Result<ListParams> ParseListParams(const RequestContext& ctx) {
  ListParams p;
  p.prefix = ctx.Query("prefix").value_or("");
  p.delimiter = ctx.Query("delimiter").value_or("");
  if (auto mk = ctx.Query("max-keys")) {
    bool digits =
        !mk->empty() && mk->size() <= 10 && mk->find_first_not_of("0123456789") == std::string::npos;
    int64_t n = digits ? std::stoll(*mk) : -1;
    if (!digits || n > 2147483647LL)
      return errors::InvalidArgument("Provided max-keys not an integer or within integer range", "max-keys",
                                     *mk);
    p.max_keys = static_cast<int>(std::min<int64_t>(n, 1000));
  }
  if (auto enc = ctx.Query("encoding-type")) {
    if (*enc != "url")
      return errors::InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", *enc);
    p.url_encode = true;
  }
  return p;
}

std::string ListEncode(const ListParams& p, const std::string& value) {
  return p.url_encode ? common::util::UriEncode(value, /*encode_slash=*/false) : value;
}

void WriteOwner(XmlWriter& w, const std::string& canonical_id) {
  w.Open("Owner").Element("ID", canonical_id).Close("Owner");
}

void WriteObjectFields(XmlWriter& w, const ListParams& p, const store::ObjectVersion& v,
                       const std::string* owner_id) {
  w.Element("Key", ListEncode(p, v.key));
  w.Element("LastModified", common::util::FormatIso8601(v.last_modified_millis));
  w.Element("ETag", QuotedEtag(v.etag));
  if (!v.checksum.algorithm.empty()) {
    w.Element("ChecksumAlgorithm", v.checksum.algorithm);
    if (!v.checksum.type.empty()) w.Element("ChecksumType", v.checksum.type);
  }
  w.Element("Size", v.size);
  if (owner_id) WriteOwner(w, *owner_id);
  w.Element("StorageClass", v.meta.storage_class.empty() ? "STANDARD" : v.meta.storage_class);
}

}  // namespace emulator::ops
