"""S3 bucket lifecycle against a real s3lab-s3 with boto3 and the aws CLI (default settings):
CreateBucket (name rules, LocationConstraint/region rules, already owned), HeadBucket
(x-amz-bucket-region), DeleteBucket (BucketNotEmpty), ListBuckets, GetBucketLocation, the default
encryption configuration, ACLs under BucketOwnerEnforced, ownership controls, bucket policies."""
import json
import unittest

from botocore.exceptions import ClientError

from harness import InstanceTestCase


class BucketTest(InstanceTestCase):
    instance_kwargs = {"start_kms": False}
    tls = False

    def s3(self, region=None, https=False):
        return self.inst.client("s3", region=region, https=https)


    def test_create_head_list_delete(self):
        s3 = self.s3()
        resp = s3.create_bucket(Bucket="life-cycle")
        self.assertEqual(resp["Location"], "/life-cycle")
        head = s3.head_bucket(Bucket="life-cycle")
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"], "us-east-1")
        names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        self.assertIn("life-cycle", names)
        self.assertIsNone(s3.get_bucket_location(Bucket="life-cycle")["LocationConstraint"])
        s3.delete_bucket(Bucket="life-cycle")
        self.assertCode(s3.head_bucket, "404", 404, Bucket="life-cycle")
        resp = self.assertCode(s3.delete_bucket, "NoSuchBucket", 404, "The specified bucket does not exist",
                               Bucket="life-cycle")
        self.assertEqual(resp["Error"]["BucketName"], "life-cycle")

    def test_list_buckets_pages_with_max_buckets_and_continuation_token(self):
        s3 = self.s3()
        names = [f"page-{c}" for c in "edcba"]
        for n in names:
            s3.create_bucket(Bucket=n)
        first = s3.list_buckets(MaxBuckets=2, Prefix="page-")
        self.assertEqual([b["Name"] for b in first["Buckets"]], ["page-a", "page-b"])
        self.assertEqual(first["Prefix"], "page-")
        self.assertIn("ContinuationToken", first)
        seen = []
        for page in s3.get_paginator("list_buckets").paginate(Prefix="page-", PaginationConfig={"PageSize": 2}):
            seen += [b["Name"] for b in page["Buckets"]]
        self.assertEqual(seen, sorted(names))
        last = s3.list_buckets(MaxBuckets=5, Prefix="page-")
        self.assertNotIn("ContinuationToken", last)
        self.assertCode(s3.list_buckets, "InvalidArgument", 400, MaxBuckets=10001)
        for n in names:
            s3.delete_bucket(Bucket=n)

    def test_every_response_carries_request_ids_and_server(self):
        resp = self.s3().list_buckets()
        headers = resp["ResponseMetadata"]["HTTPHeaders"]
        self.assertRegex(headers["x-amz-request-id"], r"^[0-9A-F]{16}$")
        self.assertTrue(headers["x-amz-id-2"])
        self.assertEqual(headers["server"], "AmazonS3")
        with self.assertRaises(ClientError) as cm:
            self.s3().get_bucket_versioning(Bucket="no-such-bucket-here")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["RequestId"],
                         cm.exception.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"])
        self.assertTrue(cm.exception.response["ResponseMetadata"]["HostId"])

    def test_invalid_bucket_names(self):
        s3 = self.s3()
        for name in ("ab", "a..b", "192.168.1.1", "xn--bucket", "bucket-", "bucket-s3alias", "x" * 64):
            resp = self.assertCode(s3.create_bucket, "InvalidBucketName", 400, "The specified bucket is not valid.",
                                   Bucket=name)
            self.assertEqual(resp["Error"]["BucketName"], name)
        # Upper case / underscores: botocore validates only the character set, so send them raw with the CLI.
        rc, out, err = self.inst.aws("s3api", "create-bucket", "--bucket", "Upper-Case")
        self.assertNotEqual(rc, 0)
        self.assertIn("InvalidBucketName", err)

    def test_create_twice_in_us_east_1_is_ok_elsewhere_already_owned(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="twice-east")
        s3.create_bucket(Bucket="twice-east")  # AWS's legacy us-east-1 behaviour: 200
        west = self.s3(region="eu-west-1")
        west.create_bucket(Bucket="twice-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        resp = self.assertCode(west.create_bucket, "BucketAlreadyOwnedByYou", 409,
                               "Your previous request to create the named bucket succeeded and you already own it.",
                               Bucket="twice-west",
                               CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.assertEqual(resp["Error"]["BucketName"], "twice-west")

    def test_location_constraint_rules(self):
        east = self.s3()
        east.create_bucket(Bucket="in-frankfurt", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        self.assertEqual(east.get_bucket_location(Bucket="in-frankfurt")["LocationConstraint"], "eu-central-1")
        head = east.head_bucket(Bucket="in-frankfurt")
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"], "eu-central-1")
        self.assertCode(east.create_bucket, "InvalidLocationConstraint", 400,
                        "The specified location-constraint is not valid",
                        Bucket="bad-loc", CreateBucketConfiguration={"LocationConstraint": "mars-north-1"})
        west = self.s3(region="eu-west-1")
        self.assertCode(west.create_bucket, "IllegalLocationConstraintException", 400,
                        "The unspecified location constraint is incompatible for the region specific endpoint "
                        "this request was sent to.", Bucket="no-constraint-west")
        self.assertCode(west.create_bucket, "IllegalLocationConstraintException", 400,
                        "The eu-west-2 location constraint is incompatible for the region specific endpoint this "
                        "request was sent to.",
                        Bucket="wrong-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})

    def test_wrong_region_signature_is_authorization_header_malformed(self):
        from rawreq import signed
        self.s3(region="eu-central-1").create_bucket(
            Bucket="fra-only", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        resp = signed(self.inst, "GET", "/fra-only", "list-type=2", region="us-west-2", https=self.tls)
        self.assertEqual(resp.status, 400)
        err = resp.error()
        self.assertEqual(err["Code"], "AuthorizationHeaderMalformed")
        self.assertEqual(err["Message"],
                         "The authorization header is malformed; the region 'us-west-2' is wrong; expecting "
                         "'eu-central-1'")
        self.assertEqual(err["Region"], "eu-central-1")
        # boto3 follows the hint and retries in the bucket's region, as against AWS.
        self.assertEqual(self.s3().list_objects_v2(Bucket="fra-only")["KeyCount"], 0)

    def test_cli_mb_rb(self):
        rc, out, err = self.inst.aws("s3", "mb", "s3://cli-made")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.inst.aws("s3", "ls")
        self.assertIn("cli-made", out)
        rc, out, err = self.inst.aws("s3", "rb", "s3://cli-made")
        self.assertEqual(rc, 0, err)

    def test_delete_non_empty_bucket(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="not-empty")
        s3.put_object(Bucket="not-empty", Key="k", Body=b"x")
        self.assertCode(s3.delete_bucket, "BucketNotEmpty", 409, "The bucket you tried to delete is not empty",
                        Bucket="not-empty")
        s3.put_bucket_versioning(Bucket="not-empty", VersioningConfiguration={"Status": "Enabled"})
        s3.delete_object(Bucket="not-empty", Key="k")
        self.assertCode(s3.delete_bucket, "BucketNotEmpty", 409,
                        "The bucket you tried to delete is not empty. You must delete all versions in the bucket.",
                        Bucket="not-empty")

    def test_default_encryption_and_its_errors(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="enc")
        rule = s3.get_bucket_encryption(Bucket="enc")["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "AES256"})
        self.assertFalse(rule["BucketKeyEnabled"])
        resp = self.assertCode(
            s3.put_bucket_encryption, "InvalidArgument", 400,
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
            Bucket="enc", ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "AES256", "KMSMasterKeyID": "alias/x"}}]})
        self.assertEqual(resp["Error"]["ArgumentName"], "ApplyServerSideEncryptionByDefault")
        self.assertCode(s3.put_bucket_encryption, "MalformedXML", 400, Bucket="enc",
                        ServerSideEncryptionConfiguration={"Rules": []})
        self.assertCode(s3.put_bucket_encryption, "MalformedXML", 400, Bucket="enc",
                        ServerSideEncryptionConfiguration={"Rules": [
                            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "DES"}}]})
        s3.put_bucket_encryption(Bucket="enc", ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/lab"},
             "BucketKeyEnabled": True}]})
        rule = s3.get_bucket_encryption(Bucket="enc")["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"], "alias/lab")
        self.assertTrue(rule["BucketKeyEnabled"])
        s3.delete_bucket_encryption(Bucket="enc")
        rule = s3.get_bucket_encryption(Bucket="enc")["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "AES256"})
        self.assertCode(s3.get_bucket_encryption, "NoSuchBucket", 404, Bucket="enc-missing")

    def test_acls_are_disabled_under_bucket_owner_enforced(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="acls")
        s3.put_object(Bucket="acls", Key="k", Body=b"x")
        acl = s3.get_bucket_acl(Bucket="acls")
        self.assertEqual(len(acl["Grants"]), 1)
        self.assertEqual(acl["Grants"][0]["Permission"], "FULL_CONTROL")
        self.assertEqual(acl["Grants"][0]["Grantee"]["ID"], acl["Owner"]["ID"])
        self.assertEqual(s3.get_object_acl(Bucket="acls", Key="k")["Grants"][0]["Permission"], "FULL_CONTROL")
        s3.put_bucket_acl(Bucket="acls", ACL="private")
        for fn, kw in ((s3.put_bucket_acl, {}), (s3.put_object_acl, {"Key": "k"})):
            self.assertCode(fn, "AccessControlListNotSupported", 400, "The bucket does not allow ACLs",
                            Bucket="acls", ACL="public-read", **kw)
        self.assertCode(s3.put_object, "AccessControlListNotSupported", 400, Bucket="acls", Key="k2",
                        Body=b"x", ACL="public-read")
        self.assertCode(s3.put_bucket_acl, "AccessControlListNotSupported", 400, Bucket="acls",
                        GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"')
        rules = s3.get_bucket_ownership_controls(Bucket="acls")["OwnershipControls"]["Rules"]
        self.assertEqual(rules, [{"ObjectOwnership": "BucketOwnerEnforced"}])

    def test_bucket_policy_put_get_delete_and_errors(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="pol")
        self.assertCode(s3.get_bucket_policy, "NoSuchBucketPolicy", 404, "The bucket policy does not exist",
                        Bucket="pol")
        policy = {"Version": "2012-10-17", "Statement": [{"Sid": "ReadAll", "Effect": "Allow", "Principal": "*",
                                                          "Action": "s3:GetObject",
                                                          "Resource": "arn:aws:s3:::pol/*"}]}
        s3.put_bucket_policy(Bucket="pol", Policy=json.dumps(policy))
        self.assertEqual(json.loads(s3.get_bucket_policy(Bucket="pol")["Policy"]), policy)
        self.assertCode(s3.put_bucket_policy, "MalformedPolicy", 400,
                        "Policies must be valid JSON and the first byte must be '{'", Bucket="pol", Policy="nope")
        self.assertCode(s3.put_bucket_policy, "MalformedPolicy", 400, "Missing required field Statement",
                        Bucket="pol", Policy='{"Version": "2012-10-17"}')
        s3.delete_bucket_policy(Bucket="pol")
        self.assertCode(s3.get_bucket_policy, "NoSuchBucketPolicy", 404, Bucket="pol")

    def test_unimplemented_subresource_is_not_implemented(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="cors-less")
        self.assertCode(s3.get_bucket_cors, "NotImplemented", 501, Bucket="cors-less")


class BucketHttpsTest(BucketTest):
    """The same over HTTPS (boto3 uses aws-chunked bodies there)."""
    instance_kwargs = {"start_kms": False}
    tls = True

    def s3(self, region=None, https=True):
        return self.inst.client("s3", region=region, https=True)


if __name__ == "__main__":
    unittest.main()
