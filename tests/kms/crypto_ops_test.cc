// Encrypt, Decrypt, GenerateDataKey*, ReEncrypt and GenerateRandom through the route table.
#include <doctest/doctest.h>

#include "common/util/encoding.h"
#include "kms_test_util.h"

namespace kms {
namespace {

using nlohmann::json;
using testing::Fixture;

std::string B64(const std::string& s) { return common::util::Base64Encode(s); }
std::string Unb64(const json& v) { return common::util::Base64Decode(v.get<std::string>()).value(); }

TEST_CASE("Encrypt then Decrypt round-trips with the encryption context, and KeyId is the key ARN") {
  Fixture f;
  std::string id = f.NewKey();
  json context = {{"purpose", "unit"}, {"team", "lab"}};
  auto enc =
      f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64("top secret")}, {"EncryptionContext", context}});
  REQUIRE(enc.ok());
  CHECK((*enc)["KeyId"] == f.Arn(id));
  CHECK((*enc)["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT");
  CHECK((*enc)["CiphertextBlob"].get<std::string>().rfind("AQICAH", 0) == 0);
  auto dec =
      f.Call("Decrypt", {{"CiphertextBlob", (*enc)["CiphertextBlob"]}, {"EncryptionContext", context}});
  REQUIRE(dec.ok());
  CHECK(Unb64((*dec)["Plaintext"]) == "top secret");
  CHECK((*dec)["KeyId"] == f.Arn(id));
  CHECK((*dec)["KeyMaterialId"].get<std::string>().size() == 64);
}

TEST_CASE("Decrypt without the encryption context is InvalidCiphertextException with an empty message") {
  Fixture f;
  std::string id = f.NewKey();
  auto enc = f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64("x")}, {"EncryptionContext", {{"a", "b"}}}});
  REQUIRE(enc.ok());
  auto dec = f.Call("Decrypt", {{"CiphertextBlob", (*enc)["CiphertextBlob"]}});
  REQUIRE_FALSE(dec.ok());
  CHECK(dec.error().code == "InvalidCiphertextException");
  CHECK(dec.error().message == "");
  CHECK(dec.error().http_status == 400);
}

TEST_CASE("Decrypt with the KeyId of another key is IncorrectKeyException") {
  Fixture f;
  std::string a = f.NewKey(), b = f.NewKey();
  auto enc = f.Call("Encrypt", {{"KeyId", a}, {"Plaintext", B64("x")}});
  auto dec = f.Call("Decrypt", {{"CiphertextBlob", (*enc)["CiphertextBlob"]}, {"KeyId", b}});
  REQUIRE_FALSE(dec.ok());
  CHECK(dec.error().code == "IncorrectKeyException");
  CHECK(dec.error().message ==
        "The key ID in the request does not identify a CMK that can perform this operation.");
}

TEST_CASE("Garbage ciphertext is InvalidCiphertextException") {
  Fixture f;
  auto dec = f.Call("Decrypt", {{"CiphertextBlob", B64("not a blob at all")}});
  REQUIRE_FALSE(dec.ok());
  CHECK(dec.error().code == "InvalidCiphertextException");
}

TEST_CASE("Decrypt and ReEncrypt without CiphertextBlob are ValidationException") {
  Fixture f;
  const std::string text =
      "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member "
      "must not be null";
  auto dec = f.Call("Decrypt", json::object());
  REQUIRE_FALSE(dec.ok());
  CHECK(dec.error().code == "ValidationException");
  CHECK(dec.error().message == text);
  auto re = f.Call("ReEncrypt", {{"DestinationKeyId", f.NewKey()}});
  REQUIRE_FALSE(re.ok());
  CHECK(re.error().code == "ValidationException");
  CHECK(re.error().message == text);
}

TEST_CASE("GenerateDataKey returns a 32-byte key that Decrypt recovers; AES_128 gives 16") {
  Fixture f;
  std::string id = f.NewKey();
  auto gdk = f.Call("GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}});
  REQUIRE(gdk.ok());
  std::string plain = Unb64((*gdk)["Plaintext"]);
  CHECK(plain.size() == 32);
  CHECK((*gdk)["KeyId"] == f.Arn(id));
  auto dec = f.Call("Decrypt", {{"CiphertextBlob", (*gdk)["CiphertextBlob"]}});
  REQUIRE(dec.ok());
  CHECK(Unb64((*dec)["Plaintext"]) == plain);
  auto small = f.Call("GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_128"}});
  CHECK(Unb64((*small)["Plaintext"]).size() == 16);
  auto n = f.Call("GenerateDataKeyWithoutPlaintext", {{"KeyId", id}, {"NumberOfBytes", 64}});
  REQUIRE(n.ok());
  CHECK_FALSE(n->contains("Plaintext"));
  auto dec64 = f.Call("Decrypt", {{"CiphertextBlob", (*n)["CiphertextBlob"]}});
  CHECK(Unb64((*dec64)["Plaintext"]).size() == 64);
}

TEST_CASE("GenerateDataKey needs exactly one of KeySpec and NumberOfBytes") {
  Fixture f;
  std::string id = f.NewKey();
  for (const json& body :
       {json{{"KeyId", id}}, json{{"KeyId", id}, {"KeySpec", "AES_256"}, {"NumberOfBytes", 32}}}) {
    auto r = f.Call("GenerateDataKey", body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "ValidationException");
    CHECK(r.error().message == "Please specify either number of bytes or key spec.");
  }
}

TEST_CASE("GenerateDataKey rejects NumberOfBytes above 1024 and unknown key specs") {
  Fixture f;
  std::string id = f.NewKey();
  auto r = f.Call("GenerateDataKey", {{"KeyId", id}, {"NumberOfBytes", 1025}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
        "constraint: Member must have value less than or equal to 1024");
  auto spec = f.Call("GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_512"}});
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().message ==
        "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy "
        "constraint: Member must satisfy enum value set: [AES_256, AES_128]");
}

TEST_CASE("Encrypt rejects plaintext over 4096 bytes and a missing KeyId") {
  Fixture f;
  std::string id = f.NewKey();
  auto big = f.Call("Encrypt", {{"KeyId", id}, {"Plaintext", B64(std::string(4097, 'a'))}});
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message ==
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096");
  auto missing = f.Call("Encrypt", {{"Plaintext", B64("a")}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message ==
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be "
        "null");
}

TEST_CASE("DryRun on a request that would succeed is DryRunOperationException") {
  Fixture f;
  std::string id = f.NewKey();
  auto r = f.Call("GenerateDataKey", {{"KeyId", id}, {"KeySpec", "AES_256"}, {"DryRun", true}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "DryRunOperationException");
  CHECK(r.error().message == "The request would have succeeded, but the DryRun option is set.");
}

TEST_CASE("ReEncrypt moves a ciphertext to another key and context") {
  Fixture f;
  std::string a = f.NewKey(), b = f.NewKey();
  auto enc =
      f.Call("Encrypt", {{"KeyId", a}, {"Plaintext", B64("move me")}, {"EncryptionContext", {{"k", "1"}}}});
  auto re = f.Call("ReEncrypt", {{"CiphertextBlob", (*enc)["CiphertextBlob"]},
                                 {"SourceEncryptionContext", {{"k", "1"}}},
                                 {"DestinationKeyId", b},
                                 {"DestinationEncryptionContext", {{"k", "2"}}}});
  REQUIRE(re.ok());
  CHECK((*re)["SourceKeyId"] == f.Arn(a));
  CHECK((*re)["KeyId"] == f.Arn(b));
  auto dec =
      f.Call("Decrypt", {{"CiphertextBlob", (*re)["CiphertextBlob"]}, {"EncryptionContext", {{"k", "2"}}}});
  REQUIRE(dec.ok());
  CHECK(Unb64((*dec)["Plaintext"]) == "move me");
  CHECK((*dec)["KeyId"] == f.Arn(b));
}

TEST_CASE("GenerateRandom validates NumberOfBytes with AWS's texts") {
  Fixture f;
  auto ok = f.Call("GenerateRandom", {{"NumberOfBytes", 44}});
  REQUIRE(ok.ok());
  CHECK(Unb64((*ok)["Plaintext"]).size() == 44);
  auto missing = f.Call("GenerateRandom", json::object());
  CHECK(missing.error().message == "NumberOfBytes is required.");
  auto zero = f.Call("GenerateRandom", {{"NumberOfBytes", 0}});
  CHECK(zero.error().message ==
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1");
}

TEST_CASE("Crypto operations accept aliases and alias ARNs") {
  Fixture f;
  std::string id = f.NewKey();
  REQUIRE(f.Call("CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", id}}).ok());
  for (const std::string& ref :
       {std::string("alias/app"), std::string("arn:aws:kms:us-east-1:111122223333:alias/app")}) {
    auto r = f.Call("Encrypt", {{"KeyId", ref}, {"Plaintext", B64("a")}});
    REQUIRE(r.ok());
    CHECK((*r)["KeyId"] == f.Arn(id));
  }
}

TEST_CASE("A wrong-region key ARN is NotFoundException \"Invalid arn <region>\"") {
  Fixture f;
  std::string id = f.NewKey();
  auto r =
      f.Call("Encrypt", {{"KeyId", "arn:aws:kms:eu-west-1:111122223333:key/" + id}, {"Plaintext", B64("a")}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "NotFoundException");
  CHECK(r.error().message == "Invalid arn eu-west-1");
  f.ctx.region = "eu-west-1";
  auto other = f.Call("DescribeKey", {{"KeyId", id}});
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().message == "Key 'arn:aws:kms:eu-west-1:111122223333:key/" + id + "' does not exist");
}

}  // namespace
}  // namespace kms
