// Internal to emulator/store: the SQLite ObjectWriter and ObjectReader (object_io.cc).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "emulator/store/sqlite_store.h"

namespace emulator::store::internal {

class SqliteObjectWriter : public ObjectWriter {
 public:
  // upload set = a part writer for part_number of that upload.
  SqliteObjectWriter(SqliteObjectStore* store, std::string bucket, std::string key, SseInfo sse,
                     SecretBytes data_key, std::optional<UploadRecord> upload, int part_number);
  ~SqliteObjectWriter() override;
  common::Status Write(std::string_view data) override;
  int64_t bytes_written() const override { return bytes_written_; }
  common::Result<ObjectVersion> Commit(NewVersion version) override;
  common::Result<PartRecord> CommitPart(PartRecord part) override;
  void Abort() override;

 private:
  void SealBuffer();
  common::Status StageFullChunk();
  void InsertChunkLocked(Lease& w, const std::string& blob);
  void FinishDataLocked(Lease& w, bool has_last_chunk);

  SqliteObjectStore* store_;
  std::string bucket_;
  std::string key_;
  SseInfo sse_;
  SecretBytes data_key_;
  std::optional<UploadRecord> upload_;
  int part_number_;
  int64_t data_id_;
  std::string uuid_;
  std::string buffer_;  // plaintext of the chunk being filled
  std::string sealed_;  // the last sealed chunk
  common::crypto::AesGcmContext gcm_;
  int64_t chunk_count_ = 0;
  int64_t bytes_written_ = 0;
  bool staged_ = false;
  bool done_ = false;
  GroupCommitter::OpenToken open_;  // counted as an open writer until destroyed
};

class SqliteObjectReader : public ObjectReader {
 public:
  SqliteObjectReader(SqliteObjectStore* store, std::vector<Segment> segments, SecretBytes key, int64_t size);
  int64_t size() const override { return size_; }
  common::Status Read(int64_t offset, int64_t length,
                      const std::function<bool(std::string_view)>& write) override;

 private:
  common::Status LoadChunk(const Segment& seg, int64_t index);

  SqliteObjectStore* store_;
  std::vector<Segment> segments_;
  SecretBytes key_;
  int64_t size_;
  std::string plain_;
  common::crypto::AesGcmContext gcm_;
};

}  // namespace emulator::store::internal
