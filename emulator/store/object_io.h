// Streaming object data in and out of the store (see object_store.h for the storage design).
// ObjectWriter: created by ObjectStore::NewWriter / NewPartWriter; Write() any number of times, then
// Commit() (object) or CommitPart() (multipart part) once. Destroying it without a commit, or Abort(),
// removes everything it staged. ObjectReader: created by ObjectStore::OpenReader; decrypts one chunk at
// a time, so memory stays at about two chunks whatever the object size.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "common/error.h"
#include "emulator/store/types.h"

namespace emulator::store {

class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  // Appends plaintext. Full kChunkSize chunks are sealed and staged as they fill.
  virtual common::Status Write(std::string_view data) = 0;
  virtual int64_t bytes_written() const = 0;
  // Seals the last chunk and makes the version visible (one transaction), applying the bucket's
  // versioning state at this moment. NoSuchBucket if the bucket was deleted meanwhile. Only for
  // writers from NewWriter.
  virtual common::Result<ObjectVersion> Commit(NewVersion version) = 0;
  // Seals the last chunk and records the part (one transaction), replacing a previous part with the
  // same number. part.part_number/size/last_modified are filled by the store. NoSuchUpload if the
  // upload was completed or aborted meanwhile. Only for writers from NewPartWriter.
  virtual common::Result<PartRecord> CommitPart(PartRecord part) = 0;
  // Drops staged data now (the destructor does the same when nothing was committed).
  virtual void Abort() = 0;
};

class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  virtual int64_t size() const = 0;
  // Writes plaintext bytes [offset, offset + length) in order through `write` (clamped to the object
  // size; length -1 = to the end). A false from `write` stops early and returns ok (client went away). InternalError when a
  // chunk fails authentication or disappeared (the version was deleted while being read).
  virtual common::Status Read(int64_t offset, int64_t length,
                              const std::function<bool(std::string_view)>& write) = 0;
};

}  // namespace emulator::store
