// Text encodings used on the wire: base64 (standard alphabet, padded), base32, hex, URI encoding as SigV4 and
// S3 define it, and percent-decoding of raw request targets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace common::util {

std::string Base64Encode(std::string_view bytes);
// nullopt on invalid characters or padding.
std::optional<std::string> Base64Decode(std::string_view text);
// RFC 4648 base32 (A-Z2-7, padded with '='), as IAM hands out virtual MFA seeds. Decode accepts
// lower case and missing padding; nullopt on other characters.
std::string Base32Encode(std::string_view bytes);
std::optional<std::string> Base32Decode(std::string_view text);
std::string HexEncode(std::string_view bytes);  // lower case
std::optional<std::string> HexDecode(std::string_view text);
// SigV4 UriEncode: unreserved A-Za-z0-9-._~ kept; everything else %XX upper case; '/' kept if !encode_slash.
std::string UriEncode(std::string_view text, bool encode_slash = true);
// Decodes %XX (and '+' stays '+'). nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text);
// Decodes application/x-www-form-urlencoded values ('+' means space).
std::optional<std::string> FormDecode(std::string_view text);
// Splits a raw query string ("a=1&b&c=%2F") into percent-decoded (name, value) pairs in order; empty
// parts are skipped, a part without '=' has value "", a malformed escape is kept as sent.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view raw_query);

}  // namespace common::util
