"""Header values reach S3 exactly as the client sent them (cpp-httplib 0.11 percent-decodes every header
value; common/http/raw_head.h undoes that): CopyObject and UploadPartCopy of keys with `%2B`, `+`,
spaces and unicode (x-amz-copy-source is URL-encoded by botocore), with a VersionId, over HTTP and
HTTPS; user metadata and Content-Disposition containing `%XX` survive a round trip (and their SigV4
signature, computed over the bytes sent, matches)."""
import unittest

from harness import InstanceTestCase

BUCKET = "header-values"
KEYS = ["src/a%2Bb.txt", "src/plus+sign.txt", "src/with space.txt", "src/ünïcödé ✓.txt",
        "src/mix %2B+ ü%20~.txt", "src/100%.txt"]


class HeaderValuesTest(InstanceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seed_bucket(BUCKET, {key: f"body of {key}".encode() for key in KEYS})

    def copy_each_key(self, s3, as_string):
        for i, key in enumerate(KEYS):
            dst = f"dst/{i} {'s' if as_string else 'd'} +%2B ü"
            source = f"{BUCKET}/{key}" if as_string else {"Bucket": BUCKET, "Key": key}
            with self.subTest(key=key):
                s3.copy_object(Bucket=BUCKET, Key=dst, CopySource=source)
                got = s3.get_object(Bucket=BUCKET, Key=dst)["Body"].read()
                self.assertEqual(got, f"body of {key}".encode())

    def test_copy_object_with_special_keys(self):
        self.copy_each_key(self.inst.client("s3"), as_string=False)

    def test_copy_object_with_special_keys_given_as_a_string(self):
        self.copy_each_key(self.inst.client("s3"), as_string=True)

    def test_copy_object_with_special_keys_over_https(self):
        self.copy_each_key(self.inst.client("s3", https=True), as_string=False)

    def test_upload_part_copy_with_special_keys(self):
        s3 = self.inst.client("s3")
        for i, key in enumerate(KEYS):
            dst = f"mpu/{i} +%2B ü"
            with self.subTest(key=key):
                upload = s3.create_multipart_upload(Bucket=BUCKET, Key=dst)["UploadId"]
                part = s3.upload_part_copy(Bucket=BUCKET, Key=dst, UploadId=upload, PartNumber=1,
                                           CopySource={"Bucket": BUCKET, "Key": key})
                s3.complete_multipart_upload(
                    Bucket=BUCKET, Key=dst, UploadId=upload,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
                self.assertEqual(s3.get_object(Bucket=BUCKET, Key=dst)["Body"].read(),
                                 f"body of {key}".encode())

    def test_copy_of_a_version_of_a_special_key(self):
        s3 = self.inst.client("s3")
        s3.create_bucket(Bucket="header-values-v")
        s3.put_bucket_versioning(Bucket="header-values-v", VersioningConfiguration={"Status": "Enabled"})
        key = "v/a%2Bb + ü.txt"
        first = s3.put_object(Bucket="header-values-v", Key=key, Body=b"first")["VersionId"]
        s3.put_object(Bucket="header-values-v", Key=key, Body=b"second")
        s3.copy_object(Bucket="header-values-v", Key="copy",
                       CopySource={"Bucket": "header-values-v", "Key": key, "VersionId": first})
        self.assertEqual(s3.get_object(Bucket="header-values-v", Key="copy")["Body"].read(), b"first")

    def test_metadata_and_content_disposition_with_percent_escapes(self):
        s3 = self.inst.client("s3")
        meta = {"discount": "100%25 off", "path": "a%2Fb+c", "literal": "50% more"}
        disposition = "attachment; filename*=UTF-8''na%C3%AFve%20file.txt"
        s3.put_object(Bucket=BUCKET, Key="meta.txt", Body=b"m", Metadata=meta, ContentDisposition=disposition)
        head = s3.head_object(Bucket=BUCKET, Key="meta.txt")
        self.assertEqual(head["Metadata"], meta)
        self.assertEqual(head["ContentDisposition"], disposition)
        s3.copy_object(Bucket=BUCKET, Key="meta-copy.txt", CopySource={"Bucket": BUCKET, "Key": "meta.txt"})
        self.assertEqual(s3.head_object(Bucket=BUCKET, Key="meta-copy.txt")["Metadata"], meta)


if __name__ == "__main__":
    unittest.main()
