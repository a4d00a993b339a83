#include "kms/model/ciphertext_blob.h"

#include <cstring>

#include "common/crypto/crypto.h"
#include "kms/model/errors.h"

namespace kms::model {

namespace {

constexpr size_t kIvSize = 12;
constexpr size_t kTagSize = 16;

void PutU32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void PutShort(std::string& out, std::string_view s) {
  out.push_back(static_cast<char>(static_cast<uint8_t>(s.size())));
  out.append(s);
}

std::string HeaderBytes(const BlobHeader& h) {
  std::string out(reinterpret_cast<const char*>(kBlobMagic), sizeof(kBlobMagic));
  out.push_back(static_cast<char>(kBlobFormatVersion));
  PutShort(out, h.account_id);
  PutShort(out, h.region);
  PutShort(out, h.key_id);
  PutU32(out, h.material_version);
  return out;
}

// Reads a length-prefixed field at pos; false when it runs past the end.
bool ReadShort(std::string_view in, size_t& pos, std::string& out) {
  if (pos >= in.size()) return false;
  size_t n = static_cast<uint8_t>(in[pos++]);
  if (n == 0 || pos + n > in.size()) return false;
  out.assign(in.substr(pos, n));
  pos += n;
  return true;
}

}  // namespace

std::string EncryptionContextAad(const EncryptionContext& context) {
  std::string out;
  for (const auto& [k, v] : context) {
    PutU32(out, static_cast<uint32_t>(k.size()));
    out += k;
    PutU32(out, static_cast<uint32_t>(v.size()));
    out += v;
  }
  return out;
}

std::string SealBlob(const BlobHeader& header, std::string_view key, std::string_view plaintext,
                     const EncryptionContext& context) {
  return SealBlobWithIv(header, key, common::crypto::RandomBytes(kIvSize), plaintext, context);
}

std::string SealBlobWithIv(const BlobHeader& header, std::string_view key, std::string_view iv,
                           std::string_view plaintext, const EncryptionContext& context) {
  std::string out = HeaderBytes(header);
  std::string aad = out + EncryptionContextAad(context);
  out += iv;
  out += common::crypto::AesGcmEncrypt(key, iv, plaintext, aad);
  return out;
}

common::Result<ParsedBlob> ParseBlob(std::string_view blob) {
  if (blob.size() < sizeof(kBlobMagic) + 1 || std::memcmp(blob.data(), kBlobMagic, sizeof(kBlobMagic)) != 0 ||
      static_cast<uint8_t>(blob[5]) != kBlobFormatVersion)
    return errors::InvalidCiphertext();
  ParsedBlob parsed;
  size_t pos = sizeof(kBlobMagic) + 1;
  if (!ReadShort(blob, pos, parsed.header.account_id) || !ReadShort(blob, pos, parsed.header.region) ||
      !ReadShort(blob, pos, parsed.header.key_id))
    return errors::InvalidCiphertext();
  if (pos + 4 + kIvSize + kTagSize > blob.size()) return errors::InvalidCiphertext();
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data() + pos);
  parsed.header.material_version =
      (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  pos += 4;
  parsed.header_bytes.assign(blob.substr(0, pos));
  parsed.iv.assign(blob.substr(pos, kIvSize));
  pos += kIvSize;
  parsed.ciphertext_and_tag.assign(blob.substr(pos));
  return parsed;
}

common::Result<std::string> OpenBlob(const ParsedBlob& blob, std::string_view key,
                                     const EncryptionContext& context) {
  std::string aad = blob.header_bytes + EncryptionContextAad(context);
  auto plain = common::crypto::AesGcmDecrypt(key, blob.iv, blob.ciphertext_and_tag, aad);
  if (!plain.ok()) return errors::InvalidCiphertext();
  return std::move(plain).value();
}

}  // namespace kms::model
