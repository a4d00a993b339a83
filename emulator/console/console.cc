// Console wiring (see console.h): the loopback guard, static files, the vendor mounts and the API.
#include "emulator/console/console.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/audit/trail_console.h"
#include "common/util/strings.h"
#include "emulator/console/api_json.h"

namespace emulator::console {
namespace {

namespace fs = std::filesystem;

// Mounts /vendor/<name>/ on each folder that <web>/vendor.json lists ({"name": "node_modules/x/dist"}).
// A folder that is missing (npm ci not run) is reported once on stderr; the pages say so too.
void MountVendor(httplib::Server& server, const fs::path& web) {
  std::ifstream in(web / "vendor.json");
  if (!in) return;
  auto map = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!map.is_object()) {
    std::fprintf(stderr, "s3lab-s3: console: %s is not a JSON object\n", (web / "vendor.json").c_str());
    return;
  }
  for (const auto& [name, folder] : map.items()) {
    if (!folder.is_string()) continue;
    fs::path dir = web / folder.get<std::string>();
    std::error_code ec;
    if (!fs::is_directory(dir, ec) || !server.set_mount_point("/vendor/" + name, dir.string())) {
      std::fprintf(stderr, "s3lab-s3: console: %s is missing (run `npm ci --omit=dev` in %s)\n",
                   dir.c_str(), web.c_str());
    }
  }
}

void InstallPlaceholder(httplib::Server& server, const std::string& why) {
  server.Get("/", [why](const httplib::Request&, httplib::Response& res) {
    res.set_content("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>s3lab console</title>"
                    "</head><body><h1>s3lab console</h1><p>" + why + "</p></body></html>",
                    "text/html; charset=utf-8");
  });
}

}  // namespace

bool IsLoopbackAddress(const std::string& address) {
  return address == "::1" || common::util::StartsWith(address, "127.") ||
         common::util::StartsWith(address, "::ffff:127.");
}

bool IsLoopbackHost(const std::string& host_header) {
  std::string host = host_header;
  if (!host.empty() && host.front() == '[') {  // [::1]:4500
    auto close = host.find(']');
    return close != std::string::npos && host.substr(1, close - 1) == "::1";
  }
  if (auto colon = host.rfind(':'); colon != std::string::npos) host = host.substr(0, colon);
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host == "localhost" || common::util::EndsWith(host, ".localhost") ||
         common::util::StartsWith(host, "127.");
}

void Install(httplib::Server& server, const ConsoleServices& services) {
  server.set_tcp_nodelay(true);  // TOOLCHAIN-NOTES §0.1: without it every keep-alive answer waits 40 ms
  server.set_keep_alive_max_count(1000);
  // One thread per open connection (TOOLCHAIN-NOTES §0.7): a browser keeps up to 6 per host, and a
  // second tab or a test browser should not wait for a free thread.
  server.new_task_queue = [] { return new httplib::ThreadPool(16); };
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (IsLoopbackAddress(req.remote_addr) && IsLoopbackHost(req.get_header_value("Host")))
      return httplib::Server::HandlerResponse::Unhandled;
    SendError(res, 403, "Forbidden", "the s3lab console answers loopback callers only");
    return httplib::Server::HandlerResponse::Handled;
  });
  // Pages change while one edits them: the browser revalidates instead of caching.
  server.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
  });

  auto reader = std::make_shared<common::audit::TrailReader>(services.trail_path);
  InstallTrailApi(server, reader);
  InstallKmsApi(server, services);
  InstallBucketsApi(server, services);
  server.Get("/api/.*", [](const httplib::Request& req, httplib::Response& res) {
    SendError(res, 404, "NotFound", "no console API at " + req.path);
  });

  std::error_code ec;
  fs::path web = services.web_dir;
  if (services.web_dir.empty() || !fs::is_directory(web / "public", ec)) {
    InstallPlaceholder(server, "The console pages (web/public) were not found next to this build; run s3lab "
                               "from the repository or pass --web-dir.");
    return;
  }
  MountVendor(server, web);
  server.set_mount_point("/", (web / "public").string());
}

}  // namespace emulator::console
