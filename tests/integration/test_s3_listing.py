"""Listing and versioning against a real s3lab-s3: ListObjects V1 (marker/NextMarker) and V2
(continuation tokens, StartAfter, KeyCount, fetch-owner), prefixes and delimiters, encoding-type=url
(botocore asks for it and decodes), the paginators of boto3 and `aws s3 ls`; Put/GetBucketVersioning,
version ids, delete markers (x-amz-delete-marker, MethodNotAllowed on GET of a marker version),
GET/DELETE by versionId, ListObjectVersions paging."""
import unittest

from botocore.exceptions import ClientError

from harness import InstanceTestCase

BUCKET = "listing"
KEYS = ["a/1", "a/2", "a/b/3", "b/4", "c", "d e/5", "plus+key", "z/é"]


class ListingTest(InstanceTestCase):
    instance_kwargs = {"start_kms": False}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seed_bucket(BUCKET, {k: k.encode() for k in KEYS})

    def s3(self):
        return self.inst.client("s3")

    def test_v2_all_keys_in_order(self):
        r = self.s3().list_objects_v2(Bucket=BUCKET)
        self.assertEqual([c["Key"] for c in r["Contents"]], sorted(KEYS))
        self.assertEqual(r["KeyCount"], len(KEYS))
        self.assertFalse(r["IsTruncated"])
        self.assertEqual(r["Contents"][0]["StorageClass"], "STANDARD")
        self.assertNotIn("Owner", r["Contents"][0])
        self.assertIn("Owner", self.s3().list_objects_v2(Bucket=BUCKET, FetchOwner=True)["Contents"][0])

    def test_v2_pagination_with_tokens(self):
        s3 = self.s3()
        seen, token, pages = [], None, 0
        while True:
            kw = {"ContinuationToken": token} if token else {}
            r = s3.list_objects_v2(Bucket=BUCKET, MaxKeys=3, **kw)
            pages += 1
            seen += [c["Key"] for c in r.get("Contents", [])]
            self.assertEqual(r["KeyCount"], len(r.get("Contents", [])))
            if not r["IsTruncated"]:
                break
            token = r["NextContinuationToken"]
        self.assertEqual(seen, sorted(KEYS))
        self.assertEqual(pages, 3)
        paged = [c["Key"] for p in s3.get_paginator("list_objects_v2").paginate(
            Bucket=BUCKET, PaginationConfig={"PageSize": 2}) for c in p.get("Contents", [])]
        self.assertEqual(paged, sorted(KEYS))
        with self.assertRaises(ClientError) as cm:
            s3.list_objects_v2(Bucket=BUCKET, ContinuationToken="garbage")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidArgument")

    def test_v2_start_after_prefix_delimiter(self):
        s3 = self.s3()
        r = s3.list_objects_v2(Bucket=BUCKET, StartAfter="b/4")
        self.assertEqual([c["Key"] for c in r["Contents"]], [k for k in sorted(KEYS) if k > "b/4"])
        self.assertEqual(r["StartAfter"], "b/4")
        r = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in r["CommonPrefixes"]], ["a/", "b/", "d e/", "z/"])
        self.assertEqual([c["Key"] for c in r["Contents"]], ["c", "plus+key"])
        self.assertEqual(r["KeyCount"], 6)
        r = s3.list_objects_v2(Bucket=BUCKET, Prefix="a/", Delimiter="/")
        self.assertEqual([c["Key"] for c in r["Contents"]], ["a/1", "a/2"])
        self.assertEqual([p["Prefix"] for p in r["CommonPrefixes"]], ["a/b/"])

    def test_v1_marker_and_next_marker(self):
        s3 = self.s3()
        r = s3.list_objects(Bucket=BUCKET, MaxKeys=2)
        self.assertTrue(r["IsTruncated"])
        self.assertEqual([c["Key"] for c in r["Contents"]], sorted(KEYS)[:2])
        self.assertNotIn("NextMarker", r)  # only with a delimiter, as on AWS
        self.assertIn("Owner", r["Contents"][0])
        r = s3.list_objects(Bucket=BUCKET, Marker=sorted(KEYS)[1], MaxKeys=100)
        self.assertEqual([c["Key"] for c in r["Contents"]], sorted(KEYS)[2:])
        r = s3.list_objects(Bucket=BUCKET, Delimiter="/", MaxKeys=2)
        self.assertTrue(r["IsTruncated"])
        self.assertEqual(r["NextMarker"], "b/")
        paged = [c["Key"] for p in s3.get_paginator("list_objects").paginate(
            Bucket=BUCKET, PaginationConfig={"PageSize": 3}) for c in p.get("Contents", [])]
        self.assertEqual(paged, sorted(KEYS))

    def test_max_keys_zero_and_bad_values(self):
        r = self.s3().list_objects_v2(Bucket=BUCKET, MaxKeys=0)
        self.assertNotIn("Contents", r)
        rc, out, err = self.inst.aws("s3api", "list-objects-v2", "--bucket", BUCKET, "--max-keys", "-1")
        self.assertNotEqual(rc, 0)
        self.assertIn("InvalidArgument", err)

    def test_cli_ls(self):
        rc, out, err = self.inst.aws("s3", "ls", f"s3://{BUCKET}/")
        self.assertEqual(rc, 0, err)
        self.assertIn("PRE a/", out)
        self.assertIn("PRE d e/", out)
        rc, out, err = self.inst.aws("s3", "ls", f"s3://{BUCKET}/", "--recursive")
        for k in KEYS:
            self.assertIn(k, out)

    def test_list_missing_bucket(self):
        with self.assertRaises(ClientError) as cm:
            self.s3().list_objects_v2(Bucket="no-such-listing")
        self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchBucket")


class VersioningTest(InstanceTestCase):
    instance_kwargs = {"start_kms": False}

    def test_versioning_lifecycle(self):
        s3 = self.inst.client("s3")
        s3.create_bucket(Bucket="vers")
        self.assertNotIn("Status", s3.get_bucket_versioning(Bucket="vers"))
        put = s3.put_object(Bucket="vers", Key="k", Body=b"unversioned")
        self.assertNotIn("VersionId", put)
        s3.put_bucket_versioning(Bucket="vers", VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(s3.get_bucket_versioning(Bucket="vers")["Status"], "Enabled")
        v1 = s3.put_object(Bucket="vers", Key="k", Body=b"one")["VersionId"]
        v2 = s3.put_object(Bucket="vers", Key="k", Body=b"two")["VersionId"]
        self.assertNotEqual(v1, v2)
        self.assertEqual(s3.get_object(Bucket="vers", Key="k")["Body"].read(), b"two")
        self.assertEqual(s3.get_object(Bucket="vers", Key="k", VersionId=v1)["Body"].read(), b"one")
        self.assertEqual(s3.get_object(Bucket="vers", Key="k", VersionId="null")["Body"].read(), b"unversioned")
        self.assertEqual(s3.head_object(Bucket="vers", Key="k")["VersionId"], v2)

        d = s3.delete_object(Bucket="vers", Key="k")
        self.assertTrue(d["DeleteMarker"])
        marker = d["VersionId"]
        with self.assertRaises(ClientError) as cm:
            s3.get_object(Bucket="vers", Key="k")
        self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchKey")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"], "true")
        with self.assertRaises(ClientError) as cm:
            s3.get_object(Bucket="vers", Key="k", VersionId=marker)
        self.assertEqual(cm.exception.response["Error"]["Code"], "MethodNotAllowed")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 405)
        with self.assertRaises(ClientError) as cm:
            s3.head_object(Bucket="vers", Key="k")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"], "true")

        versions = s3.list_object_versions(Bucket="vers")
        self.assertEqual([v["VersionId"] for v in versions["Versions"]], [v2, v1, "null"])
        self.assertEqual([(m["VersionId"], m["IsLatest"]) for m in versions["DeleteMarkers"]], [(marker, True)])
        page = s3.list_object_versions(Bucket="vers", MaxKeys=2)
        self.assertTrue(page["IsTruncated"])
        rest = s3.list_object_versions(Bucket="vers", KeyMarker=page["NextKeyMarker"],
                                       VersionIdMarker=page["NextVersionIdMarker"])
        self.assertEqual(len(rest.get("Versions", [])) + len(rest.get("DeleteMarkers", [])), 2)

        d = s3.delete_object(Bucket="vers", Key="k", VersionId=marker)
        self.assertTrue(d["DeleteMarker"])
        self.assertEqual(d["VersionId"], marker)
        self.assertEqual(s3.get_object(Bucket="vers", Key="k")["Body"].read(), b"two")
        s3.delete_object(Bucket="vers", Key="k", VersionId=v2)
        self.assertEqual(s3.get_object(Bucket="vers", Key="k")["Body"].read(), b"one")
        with self.assertRaises(ClientError) as cm:
            s3.get_object(Bucket="vers", Key="k", VersionId=v2)
        self.assertEqual(cm.exception.response["Error"]["Code"], "NoSuchVersion")

        with self.assertRaises(ClientError) as cm:
            s3.get_object(Bucket="vers", Key="k", VersionId="not-a-version")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidArgument")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Invalid version id specified")
        s3.put_bucket_versioning(Bucket="vers", VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(s3.get_bucket_versioning(Bucket="vers")["Status"], "Suspended")
        self.assertNotIn("VersionId", s3.put_object(Bucket="vers", Key="k", Body=b"susp"))  # as AWS: Enabled only
        self.assertEqual(s3.head_object(Bucket="vers", Key="k")["VersionId"], "null")

    def test_put_versioning_malformed(self):
        s3 = self.inst.client("s3")
        s3.create_bucket(Bucket="vers-bad")
        rc, out, err = self.inst.aws("s3api", "put-bucket-versioning", "--bucket", "vers-bad",
                                     "--versioning-configuration", "Status=Sometimes")
        self.assertNotEqual(rc, 0)
        self.assertIn("MalformedXML", err)


if __name__ == "__main__":
    unittest.main()
