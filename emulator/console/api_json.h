// Small helpers shared by the console's JSON endpoints: answering JSON, answering an error as
// {"error": {"code", "message"}}, and reading typed query parameters.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace emulator::console {

// 200 (or status) with the JSON body; never cached (the pages poll).
void SendJson(httplib::Response& res, const nlohmann::ordered_json& body, int status = 200);
void SendError(httplib::Response& res, int status, const std::string& code, const std::string& message);

// The query parameter's value, "" when absent.
std::string Param(const httplib::Request& req, const char* name);

// An integer parameter: nullopt when absent; `bad` set when present but not an integer.
std::optional<int64_t> IntParam(const httplib::Request& req, const char* name, bool* bad);

// A time parameter: epoch milliseconds, or ISO 8601 (2026-11-27T07:00:00Z, fraction optional).
std::optional<int64_t> TimeParam(const httplib::Request& req, const char* name, bool* bad);

}  // namespace emulator::console
