// XML rendering and parsing edges (emulator/protocol/xml.h) and the error envelope (errors.h).
#include "emulator/protocol/xml.h"

#include <doctest/doctest.h>

#include "emulator/protocol/errors.h"

namespace emulator {
namespace {

constexpr const char* kMalformed =
    "The XML you provided was not well-formed or did not validate against our published schema";

TEST_CASE("malformed, empty and root-less bodies are MalformedXML with AWS's exact text") {
  for (const char* body : {"", "   ", "<Delete><Object>", "not xml", "<a></b>", "<?xml version=\"1.0\"?>"}) {
    auto doc = ParseXml(body);
    REQUIRE_FALSE(doc.ok());
    CHECK(doc.error().code == "MalformedXML");
    CHECK(doc.error().message == kMalformed);
    CHECK(doc.error().http_status == 400);
  }
}

TEST_CASE("an unexpected root element is MalformedXML") {
  auto doc = ParseXml("<Other/>", "Delete");
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.error().code == "MalformedXML");
}

TEST_CASE("children are found by local name, with or without a namespace prefix") {
  auto doc = ParseXml(
      "<s3:Delete xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:Quiet>true</s3:Quiet>"
      "<s3:Object><s3:Key>a&amp;b</s3:Key></s3:Object><s3:Object><s3:Key>   "
      "</s3:Key></s3:Object></s3:Delete>",
      "Delete");
  REQUIRE(doc.ok());
  pugi::xml_node root = (*doc)->document_element();
  CHECK(ChildText(root, "Quiet") == "true");
  auto objects = Children(root, "Object");
  REQUIRE(objects.size() == 2);
  CHECK(ChildText(objects[0], "Key") == "a&b");
  CHECK(ChildText(objects[1], "Key") == "   ");  // whitespace-only keys survive
  CHECK(ChildText(root, "Missing").empty());
}

TEST_CASE("the writer escapes markup and control characters") {
  CHECK(XmlEscape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(XmlEscape(std::string("x\ry\x01")) == "x&#xD;y&#x1;");
  XmlWriter w;
  w.Open("R", kS3Namespace).Element("Key", "k&").Element("Size", int64_t{12}).Bool("T", true).Close("R");
  CHECK(w.Finish() ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<R xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Key>k&amp;</Key><Size>12</Size><T>true</T></R>");
}

TEST_CASE("an error renders AWS's envelope with extras, RequestId and HostId, headers left out") {
  auto e = errors::WithHeader(errors::NoSuchKey("a<b"), "x-amz-delete-marker", "true");
  std::string xml = errors::RenderXml(e, "REQ1", "HOST1");
  CHECK(
      xml ==
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key "
      "does not exist.</Message><Key>a&lt;b</Key><RequestId>REQ1</RequestId><HostId>HOST1</HostId></Error>");
}

TEST_CASE("factories carry the status of the one code table") {
  CHECK(errors::NoSuchBucket("b").http_status == 404);
  CHECK(errors::BucketNotEmpty("b", false).http_status == 409);
  CHECK(errors::BucketNotEmpty("b", true).message ==
        "The bucket you tried to delete is not empty. You must delete all versions in the bucket.");
  CHECK(errors::InvalidRange(10, "bytes=20-").http_status == 416);
  CHECK(errors::PreconditionFailed("If-Match").http_status == 412);
  CHECK(errors::MethodNotAllowed("GET", "DeleteMarker").http_status == 405);
  CHECK(errors::NotImplemented("x").http_status == 501);
  CHECK(errors::AccessControlListNotSupported().message == "The bucket does not allow ACLs");
  CHECK(errors::StatusOf("SignatureDoesNotMatch") == 403);
  CHECK(errors::StatusOf("SomethingUnknown") == 400);
}

}  // namespace
}  // namespace emulator
