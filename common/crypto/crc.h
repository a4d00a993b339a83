// Checksums S3 supports besides the cryptographic hashes: CRC32 (zlib), CRC32C (Castagnoli) and
// CRC64NVME (reflected polynomial 0x9a6c9329ac4bc9b5), all with the standard init/xor-out of ~0, so
// Update(0, "123456789") gives the catalogue check values 0xcbf43926 / 0xe3069283 / 0xae8b14860a799888.
// Update is incremental: pass the previous return value (start from 0).
#pragma once

#include <cstdint>
#include <string_view>

namespace common::crypto {

uint32_t Crc32Update(uint32_t crc, std::string_view data);
uint32_t Crc32cUpdate(uint32_t crc, std::string_view data);
uint64_t Crc64NvmeUpdate(uint64_t crc, std::string_view data);

}  // namespace common::crypto
