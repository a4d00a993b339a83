"""Multipart uploads against a real s3lab-s3, driven by boto3 1.43 and aws CLI v1 with default settings.

Covers: boto3 upload_fileobj of 20 MiB (CreateMultipartUpload with CRC32, UploadPart echoing
x-amz-checksum-crc32, Complete with per-part checksums, COMPOSITE object checksum), `aws s3 cp` 20 MiB
both ways byte-identical over HTTP and HTTPS, ListParts / ListMultipartUploads, abort, the Complete
validation errors with AWS's exact codes and texts, UploadPartCopy, GET ?partNumber=, and SSE-S3
headers on every multipart response.
"""
import base64
import hashlib
import io
import os
import tempfile
import unittest
import zlib

from harness import Instance

MIB = 1024 * 1024


def pattern(n, seed=1):
    # Deterministic, incompressible-enough bytes without holding a PRNG per byte.
    block = hashlib.sha256(str(seed).encode()).digest() * (MIB // 32)
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(block[:64] + i.to_bytes(4, "big")).digest() + block[: MIB - 32]
        i += 1
    return bytes(out[:n])


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


class MultipartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance(start_kms=False)
        cls.inst.start()
        cls.s3 = cls.inst.client("s3")
        cls.s3.create_bucket(Bucket="mpu-test")

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def error_of(self, fn, **kw):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as cm:
            fn(**kw)
        return cm.exception.response["Error"], cm.exception.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_upload_fileobj_20mib_default_checksums(self):
        body = pattern(20 * MIB, seed=2)
        self.s3.upload_fileobj(io.BytesIO(body), "mpu-test", "boto/20.bin")
        head = self.s3.head_object(Bucket="mpu-test", Key="boto/20.bin", ChecksumMode="ENABLED")
        self.assertEqual(head["ContentLength"], len(body))
        self.assertEqual(head["ServerSideEncryption"], "AES256")
        # s3transfer: 8 MiB parts -> 3 parts; ETag = md5 of the binary part md5s + "-3".
        parts = [body[i:i + 8 * MIB] for i in range(0, len(body), 8 * MIB)]
        md5s = b"".join(hashlib.md5(p).digest() for p in parts)
        self.assertEqual(head["ETag"], '"%s-3"' % hashlib.md5(md5s).hexdigest())
        crcs = b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts)
        self.assertEqual(head["ChecksumCRC32"], crc32_b64(crcs) + "-3")
        self.assertEqual(head["ChecksumType"], "COMPOSITE")
        got = self.s3.get_object(Bucket="mpu-test", Key="boto/20.bin")["Body"].read()
        self.assertEqual(hashlib.sha256(got).digest(), hashlib.sha256(body).digest())
        part2 = self.s3.get_object(Bucket="mpu-test", Key="boto/20.bin", PartNumber=2)
        self.assertEqual(part2["ContentLength"], 8 * MIB)
        self.assertEqual(part2["PartsCount"], 3)
        self.assertEqual(part2["Body"].read(), parts[1])

    def test_aws_cli_cp_20mib_round_trip_http_and_https(self):
        body = pattern(20 * MIB, seed=3)
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "big.bin")
            with open(src, "wb") as f:
                f.write(body)
            for https in (False, True):
                key = "cli/big-%s.bin" % ("https" if https else "http")
                rc, out, err = self.inst.aws("s3", "cp", src, "s3://mpu-test/" + key, https=https)
                self.assertEqual(rc, 0, err)
                dst = os.path.join(tmp, "back.bin")
                rc, out, err = self.inst.aws("s3", "cp", "s3://mpu-test/" + key, dst, https=https)
                self.assertEqual(rc, 0, err)
                with open(dst, "rb") as f:
                    self.assertEqual(hashlib.sha256(f.read()).digest(), hashlib.sha256(body).digest())
                head = self.s3.head_object(Bucket="mpu-test", Key=key)
                self.assertTrue(head["ETag"].endswith('-3"'), head["ETag"])

    def test_create_list_parts_list_uploads_and_abort(self):
        created = self.s3.create_multipart_upload(Bucket="mpu-test", Key="lp/a.bin", ChecksumAlgorithm="CRC32")
        self.assertEqual(created["ServerSideEncryption"], "AES256")
        self.assertEqual(created["ChecksumAlgorithm"], "CRC32")
        uid = created["UploadId"]
        up = self.s3.upload_part(Bucket="mpu-test", Key="lp/a.bin", UploadId=uid, PartNumber=1, Body=b"x" * 100)
        self.assertEqual(up["ETag"], '"%s"' % hashlib.md5(b"x" * 100).hexdigest())
        self.assertEqual(up["ChecksumCRC32"], crc32_b64(b"x" * 100))
        self.assertEqual(up["ServerSideEncryption"], "AES256")
        self.s3.upload_part(Bucket="mpu-test", Key="lp/a.bin", UploadId=uid, PartNumber=3, Body=b"y" * 10)
        parts = self.s3.list_parts(Bucket="mpu-test", Key="lp/a.bin", UploadId=uid, MaxParts=1)
        self.assertTrue(parts["IsTruncated"])
        self.assertEqual(parts["NextPartNumberMarker"], 1)
        self.assertEqual([p["PartNumber"] for p in parts["Parts"]], [1])
        self.assertEqual(parts["Parts"][0]["Size"], 100)
        self.assertEqual(parts["Parts"][0]["ChecksumCRC32"], crc32_b64(b"x" * 100))
        rest = self.s3.list_parts(Bucket="mpu-test", Key="lp/a.bin", UploadId=uid, PartNumberMarker=1)
        self.assertEqual([p["PartNumber"] for p in rest["Parts"]], [3])
        uploads = self.s3.list_multipart_uploads(Bucket="mpu-test", Prefix="lp/")
        self.assertIn(uid, [u["UploadId"] for u in uploads.get("Uploads", [])])
        self.s3.abort_multipart_upload(Bucket="mpu-test", Key="lp/a.bin", UploadId=uid)
        err, status = self.error_of(self.s3.list_parts, Bucket="mpu-test", Key="lp/a.bin", UploadId=uid)
        self.assertEqual((err["Code"], status), ("NoSuchUpload", 404))
        self.assertEqual(err["Message"], "The specified upload does not exist. The upload ID may be invalid, "
                                         "or the upload may have been aborted or completed.")
        err, status = self.error_of(self.s3.abort_multipart_upload, Bucket="mpu-test", Key="lp/a.bin", UploadId=uid)
        self.assertEqual((err["Code"], status), ("NoSuchUpload", 404))

    def test_complete_validation_errors(self):
        key = "val/x.bin"
        uid = self.s3.create_multipart_upload(Bucket="mpu-test", Key=key)["UploadId"]
        e1 = self.s3.upload_part(Bucket="mpu-test", Key=key, UploadId=uid, PartNumber=1, Body=b"a" * 1000)["ETag"]
        e2 = self.s3.upload_part(Bucket="mpu-test", Key=key, UploadId=uid, PartNumber=2, Body=b"b" * 1000)["ETag"]
        err, status = self.error_of(self.s3.upload_part, Bucket="mpu-test", Key=key, UploadId=uid, PartNumber=10001,
                                    Body=b"z")
        self.assertEqual((err["Code"], status), ("InvalidArgument", 400))
        self.assertEqual(err["Message"], "Part number must be an integer between 1 and 10000, inclusive")

        def complete(parts):
            return self.s3.complete_multipart_upload(Bucket="mpu-test", Key=key, UploadId=uid,
                                                     MultipartUpload={"Parts": parts})
        err, _ = self.error_of(complete, parts=[{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}])
        self.assertEqual(err["Code"], "InvalidPartOrder")
        self.assertEqual(err["Message"],
                         "The list of parts was not in ascending order. Parts must be ordered by part number.")
        err, _ = self.error_of(complete, parts=[{"PartNumber": 1, "ETag": e2}])
        self.assertEqual(err["Code"], "InvalidPart")
        self.assertEqual(err["Message"], "One or more of the specified parts could not be found.  The part may not "
                                         "have been uploaded, or the specified entity tag may not match the part's "
                                         "entity tag.")
        err, _ = self.error_of(complete, parts=[{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}])
        self.assertEqual(err["Code"], "EntityTooSmall")
        self.assertEqual(err["Message"], "Your proposed upload is smaller than the minimum allowed size")
        self.assertEqual(err.get("MinSizeAllowed"), "5242880")
        self.assertEqual(err.get("ProposedSize"), "1000")
        err, _ = self.error_of(complete, parts=[])
        self.assertIn(err["Code"], ("InvalidRequest", "MalformedXML"))
        # A single small part is fine (the last part may be small).
        done = complete([{"PartNumber": 2, "ETag": e2}])
        self.assertEqual(done["ETag"], '"%s-1"' % hashlib.md5(hashlib.md5(b"b" * 1000).digest()).hexdigest())
        self.assertEqual(done["ServerSideEncryption"], "AES256")
        self.assertEqual(self.s3.get_object(Bucket="mpu-test", Key=key)["Body"].read(), b"b" * 1000)
        err, _ = self.error_of(complete, parts=[{"PartNumber": 2, "ETag": e2}])
        self.assertEqual(err["Code"], "NoSuchUpload")

    def test_upload_part_copy_with_range(self):
        src = pattern(6 * MIB, seed=4)
        self.s3.put_object(Bucket="mpu-test", Key="copy/src.bin", Body=src)
        key = "copy/dst.bin"
        uid = self.s3.create_multipart_upload(Bucket="mpu-test", Key=key)["UploadId"]
        p1 = self.s3.upload_part_copy(Bucket="mpu-test", Key=key, UploadId=uid, PartNumber=1,
                                      CopySource={"Bucket": "mpu-test", "Key": "copy/src.bin"})
        self.assertEqual(p1["CopyPartResult"]["ETag"], '"%s"' % hashlib.md5(src).hexdigest())
        p2 = self.s3.upload_part_copy(Bucket="mpu-test", Key=key, UploadId=uid, PartNumber=2,
                                      CopySource={"Bucket": "mpu-test", "Key": "copy/src.bin"},
                                      CopySourceRange="bytes=10-99")
        self.s3.complete_multipart_upload(Bucket="mpu-test", Key=key, UploadId=uid, MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": p1["CopyPartResult"]["ETag"]},
            {"PartNumber": 2, "ETag": p2["CopyPartResult"]["ETag"]}]})
        got = self.s3.get_object(Bucket="mpu-test", Key=key)["Body"].read()
        self.assertEqual(got, src + src[10:100])

    def test_full_object_crc32_checksum(self):
        key = "full/obj.bin"
        a, b = pattern(5 * MIB, seed=5), b"tail bytes"
        created = self.s3.create_multipart_upload(Bucket="mpu-test", Key=key, ChecksumAlgorithm="CRC32",
                                                  ChecksumType="FULL_OBJECT")
        self.assertEqual(created["ChecksumType"], "FULL_OBJECT")
        uid = created["UploadId"]
        parts = []
        for n, body in ((1, a), (2, b)):
            r = self.s3.upload_part(Bucket="mpu-test", Key=key, UploadId=uid, PartNumber=n, Body=body,
                                    ChecksumAlgorithm="CRC32")
            parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
        done = self.s3.complete_multipart_upload(Bucket="mpu-test", Key=key, UploadId=uid,
                                                 MultipartUpload={"Parts": parts}, ChecksumType="FULL_OBJECT")
        self.assertEqual(done["ChecksumCRC32"], crc32_b64(a + b))
        self.assertEqual(done["ChecksumType"], "FULL_OBJECT")
        got = self.s3.get_object(Bucket="mpu-test", Key=key, ChecksumMode="ENABLED")
        self.assertEqual(got["ChecksumCRC32"], crc32_b64(a + b))
        self.assertEqual(got["Body"].read(), a + b)  # botocore validates the CRC32 while reading

    def test_versioned_bucket_complete_returns_version_id(self):
        self.s3.create_bucket(Bucket="mpu-versioned")
        self.s3.put_bucket_versioning(Bucket="mpu-versioned", VersioningConfiguration={"Status": "Enabled"})
        ids = []
        for body in (b"one", b"two"):
            uid = self.s3.create_multipart_upload(Bucket="mpu-versioned", Key="k")["UploadId"]
            e = self.s3.upload_part(Bucket="mpu-versioned", Key="k", UploadId=uid, PartNumber=1, Body=body)["ETag"]
            done = self.s3.complete_multipart_upload(Bucket="mpu-versioned", Key="k", UploadId=uid,
                                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e}]})
            ids.append(done["VersionId"])
        self.assertNotEqual(ids[0], ids[1])
        old = self.s3.get_object(Bucket="mpu-versioned", Key="k", VersionId=ids[0])["Body"].read()
        self.assertEqual(old, b"one")


if __name__ == "__main__":
    unittest.main()
