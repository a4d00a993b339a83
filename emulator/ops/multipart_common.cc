// Helpers shared by the multipart operations (see multipart.h): part numbers, upload lookup,
// checksum algorithms, composite and full-object checksums, error shapes.
#include <cctype>
#include <cstdlib>

#include "common/util/encoding.h"
#include "common/util/strings.h"
#include "emulator/ops/bucket_common.h"
#include "emulator/ops/multipart.h"
#include "emulator/ops/object_common.h"
#include "emulator/protocol/errors.h"

namespace emulator::ops::multipart {
namespace {

using common::crypto::Algorithm;

// Reflected polynomials and widths of the CRCs S3 combines.
bool CrcParams(Algorithm a, uint64_t* poly, int* width) {
  switch (a) {
    case Algorithm::kCrc32: *poly = 0xEDB88320u; *width = 32; return true;
    case Algorithm::kCrc32c: *poly = 0x82F63B78u; *width = 32; return true;
    case Algorithm::kCrc64Nvme: *poly = 0x9A6C9329AC4BC9B5ull; *width = 64; return true;
    default: return false;
  }
}

uint64_t Gf2Times(const uint64_t* mat, uint64_t vec) {
  uint64_t sum = 0;
  for (; vec != 0; vec >>= 1, ++mat)
    if (vec & 1) sum ^= *mat;
  return sum;
}

void Gf2Square(uint64_t* square, const uint64_t* mat, int width) {
  for (int n = 0; n < width; ++n) square[n] = Gf2Times(mat, mat[n]);
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

uint64_t BytesToUint(const std::string& b) {
  uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

std::string UintToBytes(uint64_t v, int width) {
  std::string out(static_cast<size_t>(width / 8), '\0');
  for (int i = width / 8 - 1; i >= 0; --i, v >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

}  // namespace

// zlib's crc32_combine, generalized to 64-bit reflected CRCs: multiply crc_a by x^(8*length_b)
// modulo the polynomial using repeated squaring of the one-zero-bit operator.
uint64_t CrcCombine(Algorithm algorithm, uint64_t crc_a, uint64_t crc_b, int64_t length_b) {
  uint64_t poly = 0;
  int width = 0;
  if (!CrcParams(algorithm, &poly, &width) || length_b <= 0) return length_b <= 0 ? crc_a : 0;
  uint64_t even[64], odd[64];
  odd[0] = poly;
  uint64_t row = 1;
  for (int n = 1; n < width; ++n, row <<= 1) odd[n] = row;
  Gf2Square(even, odd, width);  // two zero bits
  Gf2Square(odd, even, width);  // four zero bits
  uint64_t len = static_cast<uint64_t>(length_b);
  do {
    Gf2Square(even, odd, width);
    if (len & 1) crc_a = Gf2Times(even, crc_a);
    len >>= 1;
    if (len == 0) break;
    Gf2Square(odd, even, width);
    if (len & 1) crc_a = Gf2Times(odd, crc_a);
    len >>= 1;
  } while (len != 0);
  return crc_a ^ crc_b;
}

Result<int> ParsePartNumber(const RequestContext& ctx) {
  std::string text = ctx.Query("partNumber").value_or("");
  char* end = nullptr;
  long value = text.empty() ? 0 : std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || value < 1 || value > kMaxPartNumber)
    return errors::InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber",
                                   text);
  return static_cast<int>(value);
}

Result<store::UploadRecord> RequestUpload(RequestContext& ctx) {
  auto bucket = RequestBucket(ctx);
  if (!bucket.ok()) return bucket.error();
  return Store(ctx).GetUpload(ctx.bucket, ctx.key, ctx.Query("uploadId").value_or(""));
}

bool ChecksumAlgorithmOf(const std::string& name, Algorithm* out) {
  std::string n = Upper(name);
  if (n == "CRC32") *out = Algorithm::kCrc32;
  else if (n == "CRC32C") *out = Algorithm::kCrc32c;
  else if (n == "CRC64NVME") *out = Algorithm::kCrc64Nvme;
  else if (n == "SHA1") *out = Algorithm::kSha1;
  else if (n == "SHA256") *out = Algorithm::kSha256;
  else return false;
  return true;
}

Result<store::Checksum> ObjectChecksum(const store::UploadRecord& upload,
                                       const std::vector<std::string>& part_checksums,
                                       const std::vector<int64_t>& part_sizes) {
  Algorithm alg;
  if (upload.checksum_algorithm.empty() || !ChecksumAlgorithmOf(upload.checksum_algorithm, &alg))
    return store::Checksum{};
  std::vector<std::string> raw;
  for (const auto& b64 : part_checksums) {
    auto bytes = common::util::Base64Decode(b64);
    if (!bytes || bytes->empty()) return store::Checksum{};  // a part without checksum: none for the object
    raw.push_back(*bytes);
  }
  store::Checksum c;
  c.algorithm = upload.checksum_algorithm;
  c.type = upload.checksum_type.empty() ? "COMPOSITE" : upload.checksum_type;
  if (c.type == "FULL_OBJECT") {
    uint64_t poly = 0;
    int width = 0;
    CrcParams(alg, &poly, &width);
    uint64_t crc = 0;
    for (size_t i = 0; i < raw.size(); ++i)
      crc = i == 0 ? BytesToUint(raw[i]) : CrcCombine(alg, crc, BytesToUint(raw[i]), part_sizes[i]);
    c.value_b64 = common::util::Base64Encode(UintToBytes(crc, width));
    return c;
  }
  std::string concat;
  for (const auto& r : raw) concat += r;
  c.value_b64 = common::util::Base64Encode(common::crypto::Digest(alg, concat)) + "-" + std::to_string(raw.size());
  return c;
}

void AddUploadSseHeaders(Response& res, const store::SseInfo& sse) { AddSseHeaders(res, sse); }

std::string ChecksumHeaderName(const std::string& algorithm) {
  return "x-amz-checksum-" + common::util::ToLower(algorithm);
}

std::string ChecksumElementName(const std::string& algorithm) {
  return "Checksum" + Upper(algorithm);
}

common::AwsError NoSuchUpload(const std::string& upload_id) {
  return errors::Make("NoSuchUpload",
                      "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
                      "been aborted or completed.")
      .With("UploadId", upload_id);
}

common::AwsError InvalidPart(const std::string& upload_id, int part_number, const std::string& etag) {
  return errors::Make("InvalidPart",
                      "One or more of the specified parts could not be found.  The part may not have been "
                      "uploaded, or the specified entity tag may not match the part's entity tag.")
      .With("UploadId", upload_id)
      .With("PartNumber", std::to_string(part_number))
      .With("ETag", etag);
}

}  // namespace emulator::ops::multipart
