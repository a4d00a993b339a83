// The browser console of s3lab, served by the S3 process on the console port (default 127.0.0.1:4500).
//
//   /                 static pages from <web>/public (Trail, KMS, Buckets; plain HTML/CSS/ES modules)
//   /vendor/<lib>/    a library's dist folder under <web>/node_modules, as listed in <web>/vendor.json
//                     (installed by `npm ci` from web/package-lock.json; nothing is fetched at run time)
//   /api/...          a small read-only JSON API, one file per endpoint group:
//                       trail_api.cc    GET /api/trail, GET /api/trail/facets   (trail.db)
//                       kms_api.cc      GET /api/kms/rates                      (KMS /_s3lab/quota-stats)
//                       buckets_api.cc  GET /api/buckets, GET /api/buckets/<name>/versions (s3.db)
//
// It is not an AWS API: no SigV4. Instead it is for this machine only: the listener binds to loopback
// whatever --bind says, and every request must come from a loopback address and name a loopback host
// (Host: localhost / 127.x / [::1], which also stops DNS-rebinding pages from reading it); anything
// else gets 403 before routing. The API only reads, and never returns key material: SSE facts are the
// mode, the key ARN and the Bucket Key flag.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "common/identity/identity_store.h"
#include "emulator/store/object_store.h"

namespace common::audit {
class TrailReader;
}

namespace emulator::console {

struct ConsoleServices {
  store::ObjectStore* store = nullptr;
  common::identity::IdentityStore* identity = nullptr;
  std::string kms_endpoint;  // http(s)://host:port of the KMS process ("" = none)
  std::string ca_file;       // CA bundle for an https KMS endpoint
  std::string trail_path;    // <data>/trail.db
  std::string web_dir;       // the web/ folder ("" = a built-in page saying it is missing)
};

// Installs the loopback guard, the static files and the API on the console's httplib server.
void Install(httplib::Server& server, const ConsoleServices& services);

// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses.
bool IsLoopbackAddress(const std::string& address);
// True when a Host header value names a loopback host (localhost, *.localhost, 127.x.x.x, [::1]),
// with or without a port.
bool IsLoopbackHost(const std::string& host);

// ---- endpoint groups (each in its own file) ----
void InstallTrailApi(httplib::Server& server, std::shared_ptr<common::audit::TrailReader> reader);
void InstallKmsApi(httplib::Server& server, const ConsoleServices& services);
void InstallBucketsApi(httplib::Server& server, const ConsoleServices& services);

}  // namespace emulator::console
