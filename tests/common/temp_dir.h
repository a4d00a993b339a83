// A fresh directory under the system temp dir (mkdtemp), removed with everything in it at the end of
// the scope: the data directory of the unit tests that open stores, trails and TLS material.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace s3lab::testing {

struct TempDir {
  std::string path;
  explicit TempDir(const std::string& prefix = "s3lab") {
    std::string templ = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + templ);
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace s3lab::testing
