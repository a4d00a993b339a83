"""Bad input never crashes a service nor half-writes anything: malformed XML (PutBucketVersioning,
DeleteObjects → MalformedXML with AWS's exact text), truncated or malformed aws-chunked framing, a
Content-Length that disagrees with the body (shorter, longer then half-closed, longer and stalled until
the read timeout → RequestTimeout; a body cut short by a half-close, also of an UploadPart →
IncompleteBody and nothing stored), header sections over 8 KiB (S3: RequestHeaderSectionTooLarge; KMS: a
JSON error) and oversized URIs, garbage on the socket, unknown operations (S3 and KMS), malformed KMS
JSON. After each case the process still answers."""
import base64
import hashlib
import json
import unittest
import zlib

from botocore.exceptions import ClientError

from harness import InstanceTestCase
from rawreq import send, send_bytes, sign, signed

MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"
# AWS's error table (ErrorResponses) text; S3 also answers "The request body terminated unexpectedly"
# with the same code when a body ends early, so both are accepted for a truncated body.
INCOMPLETE = "You did not provide the number of bytes specified by the Content-Length HTTP header."
TERMINATED = "The request body terminated unexpectedly"
BUCKET = "bad-input"


def md5_b64(body):
    return base64.b64encode(hashlib.md5(body).digest()).decode()


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


class BadInputTest(InstanceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seed_bucket(BUCKET, {"keep-1": b"kept", "keep-2": b"kept"})

    def tearDown(self):
        self.assertAlive()
        super().tearDown()

    def assertError(self, resp, status, code, message=None):
        self.assertEqual(resp.status, status, resp)
        err = resp.error()
        self.assertEqual(err.get("Code"), code, resp)
        if message is not None:
            self.assertEqual(err.get("Message"), message, resp)
        return err

    def assertNoObject(self, key):
        with self.assertRaises(ClientError) as cm:
            self.inst.client("s3").head_object(Bucket=BUCKET, Key=key)
        self.assertEqual(cm.exception.response["Error"]["Code"], "404")

    # ---- malformed XML ----------------------------------------------------------------------------
    def put_versioning(self, body):
        return signed(self.inst, "PUT", f"/{BUCKET}", "versioning", body, {"Content-MD5": md5_b64(body)})

    def test_put_bucket_versioning_with_truncated_xml(self):
        body = b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Sta'
        self.assertError(self.put_versioning(body), 400, "MalformedXML", MALFORMED)
        self.assertNotIn("Status", self.inst.client("s3").get_bucket_versioning(Bucket=BUCKET))

    def test_put_bucket_versioning_with_text_that_is_not_xml(self):
        self.assertError(self.put_versioning(b"Status=Enabled"), 400, "MalformedXML", MALFORMED)

    def test_put_bucket_versioning_with_an_empty_body(self):
        self.assertError(self.put_versioning(b""), 400, "MalformedXML", MALFORMED)

    def delete_objects(self, body):
        return signed(self.inst, "POST", f"/{BUCKET}", "delete", body, {"Content-MD5": md5_b64(body)})

    def test_delete_objects_with_truncated_xml_deletes_nothing(self):
        body = b"<Delete><Object><Key>keep-1</Key></Object><Object><Key>keep-2</Key></Obj"
        self.assertError(self.delete_objects(body), 400, "MalformedXML", MALFORMED)
        keys = [o["Key"] for o in self.inst.client("s3").list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        self.assertIn("keep-1", keys)
        self.assertIn("keep-2", keys)

    def test_delete_objects_with_more_than_1000_keys(self):
        objects = "".join(f"<Object><Key>k{i}</Key></Object>" for i in range(1001))
        self.assertError(self.delete_objects(f"<Delete>{objects}</Delete>".encode()), 400, "MalformedXML",
                         MALFORMED)

    # ---- aws-chunked framing ----------------------------------------------------------------------
    def chunked_put(self, key, framed, decoded_length):
        hdrs = {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": str(decoded_length),
                "X-Amz-Trailer": "x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm": "CRC32"}
        hdrs = sign(self.inst, "PUT", f"/{BUCKET}/{key}", headers=hdrs,
                    payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        return send(self.inst, "PUT", f"/{BUCKET}/{key}", hdrs, framed)

    def test_well_formed_aws_chunked_body_is_accepted(self):
        data = b"x" * 100
        framed = b"64\r\n" + data + b"\r\n0\r\nx-amz-checksum-crc32:" + crc32_b64(data).encode() + b"\r\n\r\n"
        resp = self.chunked_put("chunked-ok", framed, 100)
        self.assertEqual(resp.status, 200, resp)
        got = self.inst.client("s3").get_object(Bucket=BUCKET, Key="chunked-ok")["Body"].read()
        self.assertEqual(got, data)

    def test_truncated_aws_chunked_body(self):
        resp = self.chunked_put("chunked-truncated", b"64\r\n" + b"x" * 50, 100)
        err = self.assertError(resp, 400, "IncompleteBody")
        self.assertIn(err.get("Message"), (INCOMPLETE, TERMINATED))
        self.assertNoObject("chunked-truncated")

    def test_aws_chunked_shorter_than_decoded_length(self):
        data = b"x" * 50
        framed = b"32\r\n" + data + b"\r\n0\r\nx-amz-checksum-crc32:" + crc32_b64(data).encode() + b"\r\n\r\n"
        self.assertError(self.chunked_put("chunked-short", framed, 100), 400, "IncompleteBody", INCOMPLETE)
        self.assertNoObject("chunked-short")

    def test_aws_chunked_with_a_bad_chunk_size(self):
        resp = self.chunked_put("chunked-garbage", b"zz\r\nhello\r\n0\r\n\r\n", 5)
        self.assertEqual(resp.status, 400, resp)
        self.assertTrue(resp.error().get("Code"), resp)
        self.assertNoObject("chunked-garbage")

    def test_aws_chunked_with_a_wrong_trailer_checksum(self):
        data = b"y" * 100
        framed = b"64\r\n" + data + b"\r\n0\r\nx-amz-checksum-crc32:" + crc32_b64(b"z").encode() + b"\r\n\r\n"
        self.assertError(self.chunked_put("chunked-baddigest", framed, 100), 400, "BadDigest",
                         "The CRC32 you specified did not match the calculated checksum.")
        self.assertNoObject("chunked-baddigest")

    # ---- Content-Length ---------------------------------------------------------------------------
    def test_content_length_shorter_than_the_signed_body(self):
        body = b"0123456789" * 10
        hdrs = sign(self.inst, "PUT", f"/{BUCKET}/short-cl", body=body)
        resp = send(self.inst, "PUT", f"/{BUCKET}/short-cl", hdrs, body, content_length=len(body) - 10)
        self.assertError(resp, 400, "XAmzContentSHA256Mismatch",
                         "The provided 'x-amz-content-sha256' header does not match what was computed.")
        self.assertNoObject("short-cl")

    def test_content_length_longer_than_the_body_then_half_close(self):
        body = b"0123456789" * 10
        hdrs = sign(self.inst, "PUT", f"/{BUCKET}/long-cl", body=body)
        resp = send(self.inst, "PUT", f"/{BUCKET}/long-cl", hdrs, body, content_length=len(body) + 50,
                    shutdown_write=True)
        self.assertError(resp, 400, "IncompleteBody", INCOMPLETE)
        self.assertNoObject("long-cl")

    def test_upload_part_cut_short_by_a_half_close_adds_no_part(self):
        s3 = self.inst.client("s3")
        upload = s3.create_multipart_upload(Bucket=BUCKET, Key="half-part")["UploadId"]
        try:
            body = b"p" * 1000
            query = f"partNumber=1&uploadId={upload}"
            hdrs = sign(self.inst, "PUT", f"/{BUCKET}/half-part", query, body=body)
            resp = send(self.inst, "PUT", f"/{BUCKET}/half-part?{query}", hdrs, body[:400],
                        content_length=len(body), shutdown_write=True)
            self.assertError(resp, 400, "IncompleteBody", INCOMPLETE)
            self.assertEqual(s3.list_parts(Bucket=BUCKET, Key="half-part", UploadId=upload).get("Parts", []), [])
        finally:
            s3.abort_multipart_upload(Bucket=BUCKET, Key="half-part", UploadId=upload)
        self.assertNoObject("half-part")

    def test_body_that_stalls_before_content_length_times_out(self):
        # Waits for the server's read timeout (30 s in common/http/server_setup.h; about 20 s on AWS).
        body = b"0123456789" * 10
        hdrs = sign(self.inst, "PUT", f"/{BUCKET}/stalled", body=body)
        resp = send(self.inst, "PUT", f"/{BUCKET}/stalled", hdrs, body, content_length=len(body) + 50,
                    timeout=90)
        self.assertError(resp, 400, "RequestTimeout", "Your socket connection to the server was not read from "
                         "or written to within the timeout period. Idle connections will be closed.")
        self.assertNoObject("stalled")

    # ---- oversized, garbage -----------------------------------------------------------------------
    def assertHeaderSectionTooLarge(self, resp):
        err = self.assertError(resp, 400, "RequestHeaderSectionTooLarge",
                               "Your request header section exceeds the maximum allowed size.")
        self.assertEqual(err.get("MaxSizeAllowed"), "8192")
        self.assertTrue(err.get("RequestId") and err.get("HostId"), resp)
        self.assertEqual(resp.header("x-amz-request-id"), err["RequestId"])
        self.assertEqual(resp.header("Connection"), "close")

    def test_oversized_header_line(self):
        hdrs = sign(self.inst, "PUT", f"/{BUCKET}/big-header", body=b"x")
        hdrs["x-amz-meta-big"] = "v" * 9000
        self.assertHeaderSectionTooLarge(send(self.inst, "PUT", f"/{BUCKET}/big-header", hdrs, b"x"))
        self.assertNoObject("big-header")

    def test_many_headers_over_8_kib_in_total(self):
        # Each line is short (httplib alone accepted them); together they pass S3's 8 KiB.
        hdrs = sign(self.inst, "PUT", f"/{BUCKET}/many-headers", body=b"x" * 64)
        hdrs.update({f"x-pad-{i}": "p" * 90 for i in range(90)})
        resp = send(self.inst, "PUT", f"/{BUCKET}/many-headers", hdrs, b"x" * 64)
        self.assertHeaderSectionTooLarge(resp)
        self.assertNoObject("many-headers")
        # Just under the limit is served (an unsigned header that is not x-amz-* is allowed).
        hdrs = sign(self.inst, "PUT", f"/{BUCKET}/almost", body=b"x")
        hdrs["x-pad"] = "p" * (7000 - sum(len(k) + len(v) + 4 for k, v in hdrs.items()))
        self.assertEqual(send(self.inst, "PUT", f"/{BUCKET}/almost", hdrs, b"x").status, 200)

    def test_oversized_head_request_gets_a_bodiless_answer(self):
        hdrs = {"Host": "127.0.0.1", "x-big": "b" * 9000}
        resp = send(self.inst, "HEAD", f"/{BUCKET}/keep-1", hdrs)
        self.assertEqual(resp.status, 400, resp)
        self.assertEqual(resp.body, b"")

    def test_oversized_headers_to_kms_get_a_json_error(self):
        hdrs = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"}
        hdrs = sign(self.inst, "POST", "/", headers=hdrs, body=b"{}", service="kms")
        hdrs["x-big"] = "b" * 9000
        resp = send(self.inst, "POST", "/", hdrs, b"{}", service="kms")
        self.assertEqual(resp.status, 400, resp)
        self.assertEqual(resp.header("Content-Type"), "application/x-amz-json-1.1")
        self.assertTrue(resp.header("x-amzn-RequestId"), resp)
        err = resp.error()
        self.assertEqual(err.get("Code"), "RequestHeaderSectionTooLarge", resp)
        self.assertEqual(err.get("Message"), "Your request header section exceeds the maximum allowed size.")
        self.assertTrue(self.inst.kms.alive())
        self.inst.client("kms").list_keys()

    def test_user_metadata_over_2_kib(self):
        with self.assertRaises(ClientError) as cm:
            self.inst.client("s3").put_object(Bucket=BUCKET, Key="big-meta", Body=b"x",
                                              Metadata={"big": "m" * 2100})
        self.assertEqual(cm.exception.response["Error"]["Code"], "MetadataTooLarge")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Your metadata headers exceed the maximum allowed metadata size.")
        self.assertNoObject("big-meta")

    def test_oversized_uri(self):
        resp = send(self.inst, "GET", f"/{BUCKET}/" + "k" * 9000, {"Host": "127.0.0.1"})
        self.assertIn(resp.status, (400, 414), resp)

    def test_garbage_request_line(self):
        try:
            resp = send_bytes(self.inst, b"\x16\x03\x01 this is not http\r\n\r\n", timeout=10)
            self.assertEqual(resp.status, 400, resp)
        except (ConnectionError, OSError) as e:  # closing the connection is an acceptable answer
            self.assertNotIsInstance(e, TimeoutError)

    def test_invalid_bucket_name(self):
        resp = signed(self.inst, "PUT", "/Bad_Name")
        err = self.assertError(resp, 400, "InvalidBucketName", "The specified bucket is not valid.")
        self.assertEqual(err.get("BucketName"), "Bad_Name")

    # ---- unknown operations, malformed JSON -------------------------------------------------------
    def test_unknown_s3_method(self):
        resp = signed(self.inst, "PATCH", f"/{BUCKET}/keep-1", body=b"{}")
        err = self.assertError(resp, 405, "MethodNotAllowed",
                               "The specified method is not allowed against this resource.")
        self.assertEqual(err.get("Method"), "PATCH")

    def kms(self, target, payload):
        hdrs = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
        return signed(self.inst, "POST", "/", body=payload, headers=hdrs, service="kms")

    def test_unknown_kms_operation(self):
        self.assertError(self.kms("TrentService.Frobnicate", b"{}"), 400, "UnknownOperationException")
        self.assertTrue(self.inst.kms.alive())

    def test_malformed_kms_json(self):
        self.assertError(self.kms("TrentService.ListKeys", b'{"Limit": '), 400, "SerializationException")
        self.assertTrue(self.inst.kms.alive())

    def test_kms_json_with_a_wrong_type(self):
        resp = self.kms("TrentService.GenerateRandom", json.dumps({"NumberOfBytes": "many"}).encode())
        self.assertEqual(resp.status, 400, resp)
        self.assertIn(resp.error().get("Code"), ("SerializationException", "ValidationException"))
        self.assertTrue(self.inst.kms.alive())


if __name__ == "__main__":
    unittest.main()
