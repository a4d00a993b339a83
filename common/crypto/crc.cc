// CRC32 delegates to zlib; CRC32C and CRC64NVME use slicing-by-8 tables built once at compile time.
#include "common/crypto/crc.h"

#include <zlib.h>

#include <array>
#include <cstring>

namespace common::crypto {
namespace {

template <class T>
constexpr std::array<std::array<T, 256>, 8> MakeTables(T poly) {
  std::array<std::array<T, 256>, 8> t{};
  for (unsigned i = 0; i < 256; ++i) {
    T c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ poly : (c >> 1);
    t[0][i] = c;
  }
  for (unsigned i = 0; i < 256; ++i)
    for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  return t;
}

constexpr auto kCrc32cTables = MakeTables<uint32_t>(0x82F63B78u);
constexpr auto kCrc64Tables = MakeTables<uint64_t>(0x9A6C9329AC4BC9B5ull);

template <class T>
T Update(const std::array<std::array<T, 256>, 8>& t, T crc, std::string_view data) {
  crc = ~crc;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);  // little-endian host assumed (x86-64, aarch64)
    if constexpr (sizeof(T) == 4) {
      uint32_t lo = static_cast<uint32_t>(w) ^ crc;
      uint32_t hi = static_cast<uint32_t>(w >> 32);
      crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
            t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
    } else {
      uint64_t v = w ^ crc;
      crc = t[7][v & 0xFF] ^ t[6][(v >> 8) & 0xFF] ^ t[5][(v >> 16) & 0xFF] ^ t[4][(v >> 24) & 0xFF] ^
            t[3][(v >> 32) & 0xFF] ^ t[2][(v >> 40) & 0xFF] ^ t[1][(v >> 48) & 0xFF] ^ t[0][v >> 56];
    }
    p += 8;
    n -= 8;
  }
  while (n--) crc = t[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

}  // namespace

uint32_t Crc32Update(uint32_t crc, std::string_view data) {
  uLong c = crc;
  while (!data.empty()) {
    uInt chunk = data.size() > (1u << 30) ? (1u << 30) : static_cast<uInt>(data.size());
    c = crc32(c, reinterpret_cast<const Bytef*>(data.data()), chunk);
    data.remove_prefix(chunk);
  }
  return static_cast<uint32_t>(c);
}

uint32_t Crc32cUpdate(uint32_t crc, std::string_view data) { return Update(kCrc32cTables, crc, data); }

uint64_t Crc64NvmeUpdate(uint64_t crc, std::string_view data) { return Update(kCrc64Tables, crc, data); }

}  // namespace common::crypto
