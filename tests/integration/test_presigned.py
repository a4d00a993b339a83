"""Presigned URLs as boto3 1.43 / aws CLI 1.45 make them: SigV2 query auth (AWSAccessKeyId, Expires,
Signature; the default for S3 in us-east-1) and SigV4 query auth (Config(signature_version='s3v4')),
fetched with urllib (no SDK on the way back). Tampering gives SignatureDoesNotMatch; expiry follows the
lab clock (`s3lab clock +2h`), which must not break ordinary signed requests."""
import ssl
import unittest
import urllib.error
import urllib.parse
import urllib.request

from botocore.config import Config

from harness import InstanceTestCase
from rawreq import parse_error

SIG_MISMATCH = ("The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.")
BODY = b"presigned hello\n"


def fetch(url, method="GET", data=None, cafile=None):
    """(status, body bytes) of a plain urllib request; HTTP errors are returned, not raised."""
    ctx = ssl.create_default_context(cafile=cafile) if url.startswith("https") else None
    req = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=30, context=ctx) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def tamper(url, param):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    changed = []
    for k, v in query:
        if k == param:
            v = ("A" if v[0] != "A" else "B") + v[1:]
        changed.append((k, v))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(changed)))


class PresignedGetTest(InstanceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s3 = cls.inst.client("s3")
        s3.create_bucket(Bucket="presign")
        s3.put_object(Bucket="presign", Key="dir/hello.txt", Body=BODY)

    def v2_url(self, method="get_object", expires=300, **params):
        url = self.inst.client("s3").generate_presigned_url(
            method, Params={"Bucket": "presign", "Key": "dir/hello.txt", **params}, ExpiresIn=expires)
        self.assertIn("AWSAccessKeyId=", url)
        self.assertIn("Signature=", url)
        self.assertNotIn("X-Amz-Signature", url)
        return url

    def v4_url(self, method="get_object", expires=300, https=False, **params):
        s3 = self.inst.client("s3", https=https, config=Config(signature_version="s3v4"))
        url = s3.generate_presigned_url(
            method, Params={"Bucket": "presign", "Key": "dir/hello.txt", **params}, ExpiresIn=expires)
        self.assertIn("X-Amz-Algorithm=AWS4-HMAC-SHA256", url)
        return url

    def test_sigv2_presigned_get_from_default_client(self):
        self.assertEqual(fetch(self.v2_url()), (200, BODY))

    def test_sigv4_presigned_get(self):
        self.assertEqual(fetch(self.v4_url()), (200, BODY))

    def test_sigv4_presigned_get_over_https(self):
        self.assertEqual(fetch(self.v4_url(https=True), cafile=self.inst.ca_bundle), (200, BODY))

    def test_aws_s3_presign_url_works(self):
        rc, out, err = self.inst.aws("s3", "presign", "s3://presign/dir/hello.txt", "--expires-in", "120")
        self.assertEqual(rc, 0, err)
        self.assertEqual(fetch(out.strip()), (200, BODY))

    def test_presigned_get_with_response_content_type_override(self):
        with urllib.request.urlopen(self.v4_url(ResponseContentType="application/x-lab"), timeout=30) as r:
            self.assertEqual((r.status, r.headers["Content-Type"], r.read()), (200, "application/x-lab", BODY))

    def test_sigv4_presigned_put_stores_the_body(self):
        s3 = self.inst.client("s3", config=Config(signature_version="s3v4"))
        url = s3.generate_presigned_url("put_object", Params={"Bucket": "presign", "Key": "up.bin"},
                                        ExpiresIn=300)
        status, _ = fetch(url, method="PUT", data=b"uploaded through a presigned URL")
        self.assertEqual(status, 200)
        got = self.inst.client("s3").get_object(Bucket="presign", Key="up.bin")["Body"].read()
        self.assertEqual(got, b"uploaded through a presigned URL")

    def test_tampered_sigv4_signature_is_refused(self):
        status, body = fetch(tamper(self.v4_url(), "X-Amz-Signature"))
        self.assertEqual(status, 403)
        err = parse_error(body)
        self.assertEqual((err["Code"], err["Message"]), ("SignatureDoesNotMatch", SIG_MISMATCH))

    def test_tampered_sigv2_signature_is_refused(self):
        status, body = fetch(tamper(self.v2_url(), "Signature"))
        self.assertEqual(status, 403)
        err = parse_error(body)
        self.assertEqual((err["Code"], err["Message"]), ("SignatureDoesNotMatch", SIG_MISMATCH))

    def test_sigv4_url_for_another_key_is_refused(self):
        url = self.v4_url().replace("/dir/hello.txt", "/dir/other.txt")
        status, body = fetch(url)
        self.assertEqual(status, 403)
        self.assertEqual(parse_error(body)["Code"], "SignatureDoesNotMatch")

    def test_sigv4_expires_above_a_week_is_refused(self):
        status, body = fetch(self.v4_url(expires=604801))
        self.assertEqual(status, 400)
        err = parse_error(body)
        self.assertEqual(err["Code"], "AuthorizationQueryParametersError")
        self.assertEqual(err["Message"], "X-Amz-Expires must be less than a week (in seconds); that is, the "
                                         "given X-Amz-Expires must be less than 604800 seconds")

    def test_sigv4_expires_of_exactly_a_week_is_accepted(self):
        self.assertEqual(fetch(self.v4_url(expires=604800)), (200, BODY))


class PresignedExpiryTest(InstanceTestCase):
    """Its own instance: it moves the lab clock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s3 = cls.inst.client("s3")
        s3.create_bucket(Bucket="expiry")
        s3.put_object(Bucket="expiry", Key="k.txt", Body=BODY)

    def test_urls_expire_when_the_lab_clock_passes_their_expiry(self):
        params = {"Bucket": "expiry", "Key": "k.txt"}
        v2 = self.inst.client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=3600)
        v4 = self.inst.client("s3", config=Config(signature_version="s3v4")).generate_presigned_url(
            "get_object", Params=params, ExpiresIn=3600)
        self.assertEqual(fetch(v2), (200, BODY))
        self.assertEqual(fetch(v4), (200, BODY))

        self.inst.clock("+2h")
        for name, url in (("SigV2", v2), ("SigV4", v4)):
            status, body = fetch(url)
            self.assertEqual(status, 403, f"{name}: {body!r}")
            err = parse_error(body)
            self.assertEqual((err["Code"], err["Message"]), ("AccessDenied", "Request has expired"), name)
            self.assertIn("Expires", err, name)
            self.assertIn("ServerTime", err, name)
        self.assertEqual(parse_error(fetch(v4)[1]).get("X-Amz-Expires"), "3600")

        # The lab clock moves presigned expiry, not the SigV4 skew window of ordinary requests.
        s3 = self.inst.client("s3")
        self.assertEqual(s3.get_object(**params)["Body"].read(), BODY)
        self.inst.client("kms").list_keys()


if __name__ == "__main__":
    unittest.main()
