// File helpers for key material on disk (internal to common/crypto): an flock(2) guard so two processes
// starting on one data dir agree on who creates the files, directory creation and atomic writes with a
// chosen mode (write to a temp file, fsync, rename).
#pragma once

#include <string>

namespace common::crypto::internal {

// Holds an exclusive flock on path (created 0600 if missing) for its lifetime. ok() false on failure.
class FileLock {
 public:
  explicit FileLock(const std::string& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

bool MakeDirs(const std::string& path, int mode = 0755);
bool FileExists(const std::string& path);
// Reads a whole file; false when it cannot be opened.
bool ReadFile(const std::string& path, std::string* out);
bool WriteFileAtomic(const std::string& path, const std::string& data, int mode);

}  // namespace common::crypto::internal
