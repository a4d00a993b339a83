// XML at the S3 edge. Rendering: a small writer that escapes text the way S3 does (the five entities,
// plus control characters as numeric references so keys with "\r" or "\x01" survive a round trip).
// Parsing: pugixml behind ParseXml(), which turns every malformed or empty body into MalformedXML, and
// a few helpers that read child elements by local name (a "s3:" prefix or default namespace is fine).
#pragma once

#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace emulator {

inline constexpr const char* kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

class XmlWriter {
 public:
  XmlWriter();  // starts with the XML declaration
  // <name xmlns="..."> (xmlns omitted when empty)
  XmlWriter& Open(std::string_view name, std::string_view xmlns = "");
  XmlWriter& Close(std::string_view name);
  // <name>escaped text</name>
  XmlWriter& Element(std::string_view name, std::string_view text);
  XmlWriter& Element(std::string_view name, int64_t value);
  XmlWriter& Bool(std::string_view name, bool value);  // true/false
  // Raw, already well-formed XML.
  XmlWriter& Raw(std::string_view xml);
  std::string Finish() { return std::move(out_); }

 private:
  std::string out_;
};

std::string XmlEscape(std::string_view text);

// Parsed document. ParseXml fails with MalformedXML for empty, not well-formed or root-less bodies,
// and when expected_root is given and the root's local name differs.
using XmlDoc = std::unique_ptr<pugi::xml_document>;
common::Result<XmlDoc> ParseXml(const std::string& body, std::string_view expected_root = "");

// Local name of an element ("s3:Key" -> "Key").
std::string_view LocalName(const pugi::xml_node& node);
// First child element with that local name (empty node when none).
pugi::xml_node Child(const pugi::xml_node& parent, std::string_view local_name);
// All child elements with that local name.
std::vector<pugi::xml_node> Children(const pugi::xml_node& parent, std::string_view local_name);
// Text of a child element, or "" when absent.
std::string ChildText(const pugi::xml_node& parent, std::string_view local_name);

}  // namespace emulator
