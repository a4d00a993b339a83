"""Large transfers with the unmodified aws CLI: a 20 MiB `aws s3 cp` round trip (multipart: 8+8+4 MiB
parts, sent concurrently) over HTTP and over HTTPS (where botocore frames every part as aws-chunked with
a CRC32 trailer), byte-identical on the way back, SSE-S3 applied by default, and the multipart ETag
computed as AWS does (MD5 of the concatenated part MD5s, then "-<part count>")."""
import base64
import filecmp
import hashlib
import json
import os
import tempfile
import unittest

from harness import InstanceTestCase

MIB = 1024 * 1024


def multipart_etag(path, part_size=8 * MIB):
    digests = []
    with open(path, "rb") as f:
        while chunk := f.read(part_size):
            digests.append(hashlib.md5(chunk).digest())
    return f'"{hashlib.md5(b"".join(digests)).hexdigest()}-{len(digests)}"'


class AwsS3CpRoundTripTest(InstanceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work = tempfile.TemporaryDirectory(prefix="s3lab-cp-")
        cls.src = os.path.join(cls.work.name, "big.bin")
        with open(cls.src, "wb") as f:
            f.write(os.urandom(20 * MIB))

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()
        super().tearDownClass()

    def round_trip(self, https):
        bucket = "cp-https" if https else "cp-http"
        rc, out, err = self.inst.aws("s3", "mb", f"s3://{bucket}", https=https)
        self.assertEqual(rc, 0, err)
        self.assertIn(f"make_bucket: {bucket}", out)
        rc, out, err = self.inst.aws("s3", "cp", self.src, f"s3://{bucket}/dir/big.bin", https=https)
        self.assertEqual(rc, 0, err)
        dst = os.path.join(self.work.name, f"back-{bucket}.bin")
        rc, out, err = self.inst.aws("s3", "cp", f"s3://{bucket}/dir/big.bin", dst, https=https)
        self.assertEqual(rc, 0, err)
        self.assertEqual(os.path.getsize(dst), 20 * MIB)
        self.assertTrue(filecmp.cmp(self.src, dst, shallow=False), "downloaded bytes differ")

        rc, out, err = self.inst.aws("s3api", "head-object", "--bucket", bucket, "--key", "dir/big.bin",
                                     https=https)
        self.assertEqual(rc, 0, err)
        head = json.loads(out)
        self.assertEqual(head["ContentLength"], 20 * MIB)
        self.assertEqual(head["ServerSideEncryption"], "AES256")
        self.assertEqual(head["ETag"], multipart_etag(self.src))

        rc, out, err = self.inst.aws("s3", "ls", f"s3://{bucket}/dir/", https=https)
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"\s20971520 big\.bin")

    def test_20mib_round_trip_over_http(self):
        self.round_trip(https=False)

    def test_20mib_round_trip_over_https(self):
        self.round_trip(https=True)

    def test_boto3_get_with_range_returns_the_exact_slice(self):
        s3 = self.inst.client("s3")
        s3.create_bucket(Bucket="cp-range")
        with open(self.src, "rb") as f:
            s3.upload_fileobj(f, "cp-range", "big.bin")
        with open(self.src, "rb") as f:
            f.seek(8 * MIB - 10)
            expected = f.read(20)
        got = s3.get_object(Bucket="cp-range", Key="big.bin", Range=f"bytes={8 * MIB - 10}-{8 * MIB + 9}")
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(got["ContentRange"], f"bytes {8 * MIB - 10}-{8 * MIB + 9}/{20 * MIB}")
        self.assertEqual(got["Body"].read(), expected)


if __name__ == "__main__":
    unittest.main()


class LargeSinglePutDigestTest(InstanceTestCase):
    """Bodies from 8 MiB on are digested on a second thread (common/util/background_feed.h): the ETag,
    Content-MD5, the signed payload hash and x-amz-checksum-* must come out as for a small body."""

    def test_9mib_put_digests(self):
        s3 = self.inst.client("s3")
        s3.create_bucket(Bucket="digests")
        body = os.urandom(9 * MIB + 7)
        md5 = hashlib.md5(body)
        put = s3.put_object(Bucket="digests", Key="k", Body=body, ContentMD5=base64.b64encode(
            md5.digest()).decode(), ChecksumAlgorithm="SHA256")
        self.assertEqual(put["ETag"], f'"{md5.hexdigest()}"')
        self.assertEqual(put["ChecksumSHA256"], base64.b64encode(hashlib.sha256(body).digest()).decode())
        self.assertEqual(s3.get_object(Bucket="digests", Key="k")["Body"].read(), body)

        wrong = base64.b64encode(hashlib.md5(body[:-1]).digest()).decode()
        with self.assertRaises(Exception) as ctx:
            s3.put_object(Bucket="digests", Key="bad", Body=body, ContentMD5=wrong)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "BadDigest")
        with self.assertRaises(Exception) as ctx:
            s3.head_object(Bucket="digests", Key="bad")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "404")
