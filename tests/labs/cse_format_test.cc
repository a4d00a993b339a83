// `s3lab cse`: the S3 Encryption Client v2 metadata (cse_format.h), endpoint parsing (cse_client.h) and
// the streaming GCM helper (common/crypto/gcm_stream.h) against the one-shot AES-GCM.
#include <doctest/doctest.h>

#include "common/crypto/crypto.h"
#include "common/crypto/gcm_stream.h"
#include "common/util/encoding.h"
#include "labs/runner/cse_client.h"
#include "labs/runner/cse_format.h"

using namespace runner::cse;

TEST_CASE("cse: context arguments, the reserved key and the matdesc JSON") {
  auto c = ParseContextArgs({"project=alpha", "path=a=b", "empty="});
  REQUIRE(c.ok());
  CHECK(c->at("path") == "a=b");
  CHECK(c->at("empty").empty());
  CHECK(MatdescJson(KmsContext(*c)) ==
        R"({"aws:x-amz-cek-alg":"AES/GCM/NoPadding","empty":"","path":"a=b","project":"alpha"})");
  CHECK(MatdescJson(KmsContext({})) == R"({"aws:x-amz-cek-alg":"AES/GCM/NoPadding"})");
  CHECK(MatdescJson({{"k", "caf\xc3\xa9"}}) == R"({"k":"caf\u00e9"})");  // header stays ASCII
  CHECK_FALSE(ParseContextArgs({"aws:x-amz-cek-alg=x"}).ok());
  CHECK_FALSE(ParseContextArgs({"novalue"}).ok());
  CHECK_FALSE(ParseContextArgs({"=v"}).ok());
  CHECK_FALSE(ParseContextArgs({"a=1", "a=2"}).ok());
  CHECK(UserPart(KmsContext({{"a", "1"}})) == Context{{"a", "1"}});
}

TEST_CASE("cse: s3:// URLs") {
  auto u = ParseS3Url("s3://bkt/dir/file.txt");
  REQUIRE(u);
  CHECK(u->first == "bkt");
  CHECK(u->second == "dir/file.txt");
  CHECK_FALSE(ParseS3Url("s3://bkt/"));
  CHECK_FALSE(ParseS3Url("s3://bkt"));
  CHECK_FALSE(ParseS3Url("s3:///k"));
  CHECK_FALSE(ParseS3Url("http://bkt/k"));
}

TEST_CASE("cse: the envelope written is the envelope read") {
  const std::string blob = "\x01\x02wrapped-key", iv(12, '\x07');
  auto meta = EnvelopeMetadata(blob, iv, KmsContext({{"team", "blue"}}), 1234);
  CHECK(meta.size() == 7);
  CHECK(meta.at("x-amz-wrap-alg") == "kms+context");
  CHECK(meta.at("x-amz-cek-alg") == "AES/GCM/NoPadding");
  CHECK(meta.at("x-amz-tag-len") == "128");
  CHECK(meta.at("x-amz-unencrypted-content-length") == "1234");
  CHECK(meta.at("x-amz-iv") == common::util::Base64Encode(iv));
  auto env = ReadEnvelope(meta);
  REQUIRE(env.ok());
  CHECK(env->encrypted_key == blob);
  CHECK(env->iv == iv);
  CHECK(env->kms_context == KmsContext({{"team", "blue"}}));
  CHECK(env->plaintext_length == 1234);
  // A matdesc written with other spacing (Python's json.dumps) reads the same.
  meta["x-amz-matdesc"] = R"({"team": "blue", "aws:x-amz-cek-alg": "AES/GCM/NoPadding"})";
  REQUIRE(ReadEnvelope(meta).ok());
}

TEST_CASE("cse: envelopes refused with a reason") {
  auto good = EnvelopeMetadata("k", std::string(12, 'i'), KmsContext({}), 1);
  auto refused = [&](const std::string& name, const char* value, const std::string& reason) {
    auto m = good;
    if (value)
      m[name] = value;
    else
      m.erase(name);
    auto r = ReadEnvelope(m);
    REQUIRE_FALSE(r.ok());
    INFO(r.error().message);
    CHECK(r.error().message.find(reason) != std::string::npos);
    return r.error().code;
  };
  CHECK(ReadEnvelope({}).error().code == "NotEncrypted");
  CHECK(refused("x-amz-wrap-alg", "kms", "key wrap algorithm 'kms'") == "UnsupportedFormat");
  refused("x-amz-cek-alg", "AES/CBC/PKCS5Padding", "content algorithm");
  refused("x-amz-tag-len", nullptr, "x-amz-tag-len is missing");
  refused("x-amz-tag-len", "96", "tag length");
  refused("x-amz-iv", "AAAA", "12 bytes");
  refused("x-amz-matdesc", "[1]", "not a JSON object");
  refused("x-amz-matdesc", R"({"a":1,"aws:x-amz-cek-alg":"AES/GCM/NoPadding"})", "not a string");
  refused("x-amz-matdesc", "{}", "aws:x-amz-cek-alg is missing");
  refused("x-amz-matdesc", R"({"aws:x-amz-cek-alg":"AES/CBC/PKCS5Padding"})", "may be altered");
  refused("x-amz-unencrypted-content-length", "-1", "not a number");
  refused("x-amz-key", "AAAA", "both x-amz-key");
  refused("x-amz-crypto-instr-file", "", "instruction file");
  auto v1 = good;
  v1.erase("x-amz-key-v2");
  v1["x-amz-key"] = "AAAA";
  CHECK(ReadEnvelope(v1).error().message.find("v1 format") != std::string::npos);
  auto no_len = good;
  no_len.erase("x-amz-unencrypted-content-length");
  REQUIRE(ReadEnvelope(no_len).ok());
  CHECK_FALSE(ReadEnvelope(no_len)->has_plaintext_length);
}

TEST_CASE("cse: endpoints as AWS_ENDPOINT_URL spells them") {
  auto e = ParseEndpoint("http://127.0.0.1:4580");
  REQUIRE(e.ok());
  CHECK(e->host == "127.0.0.1");
  CHECK(e->port == 4580);
  CHECK(e->HostHeader() == "127.0.0.1:4580");
  auto t = ParseEndpoint("https://localhost/");
  REQUIRE(t.ok());
  CHECK(t->tls);
  CHECK(t->port == 443);
  CHECK(t->HostHeader() == "localhost");
  CHECK_FALSE(ParseEndpoint("127.0.0.1:4580").ok());
  CHECK_FALSE(ParseEndpoint("http://h:port").ok());
  CHECK_FALSE(ParseEndpoint("http://h:1/path").ok());
}

TEST_CASE("GcmStream: chunked equals one-shot, and a bad tag is refused") {
  using common::crypto::GcmStream;
  const std::string key(32, 'k'), iv(12, 'v');
  std::string plain;
  for (int i = 0; i < 100000; ++i) plain += static_cast<char>(i * 7);
  const std::string one_shot = common::crypto::AesGcmEncrypt(key, iv, plain);
  GcmStream enc;
  REQUIRE(enc.Init(true, key, iv));
  std::string out, piece;
  for (size_t pos = 0; pos < plain.size(); pos += 4099) {
    REQUIRE(enc.Update(std::string_view(plain).substr(pos, 4099), &piece));
    out += piece;
  }
  out += enc.FinishEncrypt();
  CHECK(out == one_shot);

  GcmStream dec;
  REQUIRE(dec.Init(false, key, iv));
  std::string back;
  REQUIRE(dec.Update(std::string_view(out).substr(0, plain.size()), &back));
  CHECK(back == plain);
  CHECK(dec.FinishDecrypt(std::string_view(out).substr(plain.size())));

  std::string bad_tag = out.substr(plain.size());
  bad_tag[0] ^= 1;
  REQUIRE(dec.Init(false, key, iv));
  REQUIRE(dec.Update(std::string_view(out).substr(0, plain.size()), &back));
  CHECK_FALSE(dec.FinishDecrypt(bad_tag));
  CHECK_FALSE(dec.Init(true, std::string(16, 'k'), iv));
  CHECK_FALSE(dec.Init(true, key, std::string(16, 'v')));
}
