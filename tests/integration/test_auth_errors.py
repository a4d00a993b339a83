"""Authentication failures seen by real clients, with AWS's exact codes and messages (AWS-REFERENCE §7.1):
RequestTimeTooSkewed (15-minute window), InvalidAccessKeyId, SignatureDoesNotMatch (request signed by
botocore with a wrong secret: the server's CanonicalRequest/StringToSign must equal botocore's), unsigned
x-amz-* headers, anonymous access; and the KMS (JSON 1.1) equivalents."""
import datetime
import json
import unittest

from botocore.exceptions import ClientError

from harness import InstanceTestCase
from rawreq import sign, signed, send, utcnow

SKEWED = "The difference between the request time and the current time is too large."
BAD_AKID = "The AWS Access Key Id you provided does not exist in our records."
SIG_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.")
UNKNOWN_KEY = "AKIAIOSFODNN7EXAMPLE"
KMS_SIG_MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your "
                    "AWS Secret Access Key and signing method. Consult the service documentation for details.")


class S3AuthErrorsTest(InstanceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s3 = cls.inst.client("s3")
        s3.create_bucket(Bucket="auth-bkt")
        s3.put_object(Bucket="auth-bkt", Key="obj.txt", Body=b"secret stuff")

    def assertS3Error(self, resp, status, code, message):
        self.assertEqual(resp.status, status, resp)
        err = resp.error()
        self.assertEqual((err.get("Code"), err.get("Message")), (code, message), resp)
        self.assertTrue(resp.header("x-amz-request-id"), "x-amz-request-id header missing")
        return err

    def test_request_signed_20_minutes_ago_is_too_skewed(self):
        when = utcnow() - datetime.timedelta(minutes=20)
        hdrs = sign(self.inst, "GET", "/auth-bkt/obj.txt", when=when)
        resp = send(self.inst, "GET", "/auth-bkt/obj.txt", hdrs)
        err = self.assertS3Error(resp, 403, "RequestTimeTooSkewed", SKEWED)
        self.assertEqual(err.get("RequestTime"), hdrs["X-Amz-Date"])
        self.assertRegex(err.get("ServerTime", ""), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        self.assertEqual(err.get("MaxAllowedSkewMilliseconds"), "900000")

    def test_request_signed_20_minutes_ahead_is_too_skewed(self):
        resp = signed(self.inst, "GET", "/auth-bkt", when=utcnow() + datetime.timedelta(minutes=20))
        self.assertS3Error(resp, 403, "RequestTimeTooSkewed", SKEWED)

    def test_request_signed_10_minutes_ago_is_accepted(self):
        resp = signed(self.inst, "GET", "/auth-bkt/obj.txt", when=utcnow() - datetime.timedelta(minutes=10))
        self.assertEqual((resp.status, resp.body), (200, b"secret stuff"))

    def test_unknown_access_key_with_boto3(self):
        s3 = self.inst.client("s3", aws_access_key_id=UNKNOWN_KEY, aws_secret_access_key="x" * 40)
        with self.assertRaises(ClientError) as cm:
            s3.list_objects_v2(Bucket="auth-bkt")
        err = cm.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]), ("InvalidAccessKeyId", BAD_AKID))

    def test_unknown_access_key_raw_names_the_key(self):
        resp = signed(self.inst, "GET", "/auth-bkt", access_key=UNKNOWN_KEY, secret="x" * 40)
        err = self.assertS3Error(resp, 403, "InvalidAccessKeyId", BAD_AKID)
        self.assertEqual(err.get("AWSAccessKeyId"), UNKNOWN_KEY)

    def test_unknown_access_key_with_the_aws_cli(self):
        env = self.inst.env(access_key=UNKNOWN_KEY, secret_key="x" * 40)
        rc, out, err = self.inst.aws("s3", "ls", env=env)
        self.assertNotEqual(rc, 0)
        self.assertIn(f"An error occurred (InvalidAccessKeyId) when calling the ListBuckets operation: {BAD_AKID}",
                      err)

    def test_wrong_secret_gives_signature_does_not_match_with_the_canonical_request(self):
        debug = {}
        hdrs = sign(self.inst, "GET", "/auth-bkt/obj.txt", query="response-content-type=text%2Fplain",
                    secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", debug=debug)
        resp = send(self.inst, "GET", "/auth-bkt/obj.txt?response-content-type=text%2Fplain", hdrs)
        err = self.assertS3Error(resp, 403, "SignatureDoesNotMatch", SIG_MISMATCH)
        self.assertEqual(err.get("AWSAccessKeyId"), self.inst.root_credentials()[0])
        self.assertEqual(err.get("SignatureProvided"), hdrs["Authorization"].rsplit("Signature=", 1)[1])
        self.assertEqual(err.get("StringToSign"), debug["StringToSign"])
        self.assertEqual(err.get("CanonicalRequest"), debug["CanonicalRequest"])

    def test_wrong_secret_with_boto3_put(self):
        ak, _ = self.inst.root_credentials()
        s3 = self.inst.client("s3", aws_access_key_id=ak, aws_secret_access_key="0" * 40)
        with self.assertRaises(ClientError) as cm:
            s3.put_object(Bucket="auth-bkt", Key="never.txt", Body=b"x")
        self.assertEqual(cm.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertEqual(cm.exception.response["Error"]["Message"], SIG_MISMATCH)
        with self.assertRaises(ClientError) as cm:
            self.inst.client("s3").head_object(Bucket="auth-bkt", Key="never.txt")
        self.assertEqual(cm.exception.response["Error"]["Code"], "404")

    def test_unsigned_amz_header_is_refused(self):
        hdrs = sign(self.inst, "PUT", "/auth-bkt/unsigned.txt", body=b"abc")
        hdrs["x-amz-meta-sneaky"] = "yes"
        resp = send(self.inst, "PUT", "/auth-bkt/unsigned.txt", hdrs, b"abc")
        err = self.assertS3Error(resp, 403, "AccessDenied", "There were headers present in the request which "
                                                            "were not signed")
        self.assertEqual(err.get("HeadersNotSigned"), "x-amz-meta-sneaky")

    def test_anonymous_get_of_a_private_object_is_denied(self):
        resp = send(self.inst, "GET", "/auth-bkt/obj.txt", {"Host": f"127.0.0.1:{self.inst.s3_port}"})
        self.assertS3Error(resp, 403, "AccessDenied", "Access Denied")

    def test_tampered_payload_hash_is_refused(self):
        hdrs = sign(self.inst, "PUT", "/auth-bkt/tampered.txt", body=b"original body")
        resp = send(self.inst, "PUT", "/auth-bkt/tampered.txt", hdrs, b"modified body")
        self.assertS3Error(resp, 400, "XAmzContentSHA256Mismatch",
                           "The provided 'x-amz-content-sha256' header does not match what was computed.")


class KmsAuthErrorsTest(InstanceTestCase):
    def kms_call(self, target, body, **sign_kw):
        payload = json.dumps(body).encode()
        hdrs = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"TrentService.{target}"}
        return signed(self.inst, "POST", "/", body=payload, headers=hdrs, service="kms", **sign_kw)

    def test_unknown_access_key(self):
        resp = self.kms_call("ListKeys", {}, access_key=UNKNOWN_KEY, secret="x" * 40)
        self.assertEqual(resp.status, 400, resp)
        err = resp.error()
        self.assertEqual((err["Code"], err["Message"]),
                         ("UnrecognizedClientException", "The security token included in the request is invalid."))

    def test_wrong_secret(self):
        resp = self.kms_call("ListKeys", {}, secret="0" * 40)
        self.assertEqual(resp.status, 400, resp)
        err = resp.error()
        self.assertEqual((err["Code"], err["Message"]), ("InvalidSignatureException", KMS_SIG_MISMATCH))

    def test_signed_20_minutes_ago(self):
        resp = self.kms_call("ListKeys", {}, when=utcnow() - datetime.timedelta(minutes=20))
        self.assertEqual(resp.status, 400, resp)
        err = resp.error()
        self.assertEqual(err["Code"], "InvalidSignatureException")
        self.assertRegex(err["Message"], r"^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                                         r"\(\d{8}T\d{6}Z - 15 min\.\)$")

    def test_boto3_with_a_good_key_still_works(self):
        self.assertIn("Keys", self.inst.client("kms").list_keys())


if __name__ == "__main__":
    unittest.main()
