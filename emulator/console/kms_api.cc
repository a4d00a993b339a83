// GET /api/kms/rates: the KMS process's request-quota statistics for the console's KMS chart.
//
// The S3 process reaches KMS only over HTTP (DESIGN.md dependency rule), so this fetches
// GET <kms-endpoint>/_s3lab/quota-stats (kms/server.cc, loopback callers only) and returns it with one
// member added:
//   {"profile", "scale", "regions": [{"account", "region", "rate" (req/s, 0 = unlimited),
//     "seconds": [{"t" (epoch s), "accepted", "throttled"}]}], "now": epoch seconds of this answer}
// Only seconds with traffic are listed, the last 120 of them. When KMS is not configured or does not
// answer: 502 {"error": {"code": "KmsUnreachable", "message"}} (the page shows it and keeps polling).
#include <chrono>
#include <string>

#include "emulator/console/api_json.h"
#include "emulator/console/console.h"

namespace emulator::console {
namespace {

void HandleRates(const ConsoleServices& services, httplib::Response& res) {
  if (services.kms_endpoint.empty())
    return SendError(res, 502, "KmsUnreachable", "this S3 process was started without --kms-endpoint");
  httplib::Client client(services.kms_endpoint);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(3, 0);
  client.set_keep_alive(false);
  if (!services.ca_file.empty()) client.set_ca_cert_path(services.ca_file.c_str());
  auto reply = client.Get("/_s3lab/quota-stats");
  if (!reply)
    return SendError(res, 502, "KmsUnreachable",
                     "KMS at " + services.kms_endpoint + " did not answer (" + httplib::to_string(reply.error()) +
                         ")");
  if (reply->status != 200)
    return SendError(res, 502, "KmsUnreachable",
                     "KMS at " + services.kms_endpoint + " answered HTTP " + std::to_string(reply->status) +
                         " to /_s3lab/quota-stats");
  auto stats = nlohmann::ordered_json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (!stats.is_object())
    return SendError(res, 502, "KmsUnreachable", "KMS answered /_s3lab/quota-stats with something not JSON");
  stats["now"] = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  SendJson(res, stats);
}

}  // namespace

void InstallKmsApi(httplib::Server& server, const ConsoleServices& services) {
  server.Get("/api/kms/rates", [services](const httplib::Request&, httplib::Response& res) {
    HandleRates(services, res);
  });
}

}  // namespace emulator::console
