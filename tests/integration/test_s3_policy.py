"""Bucket policies evaluated by the one policy engine against a real s3lab-s3: the classic "deny
unencrypted uploads" policy (evaluated on the request as sent, before default encryption), a TLS-only
policy (aws:SecureTransport), public read for anonymous callers, aws:SourceIp, and the cross-check
that an explicit Deny beats the root user's implicit allow."""
import json
import unittest

import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import InstanceTestCase


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class BucketPolicyTest(InstanceTestCase):
    instance_kwargs = {"start_kms": False}

    def s3(self, https=False):
        return self.inst.client("s3", https=https)

    def anonymous(self):
        import boto3
        return boto3.session.Session(region_name="us-east-1").client(
            "s3", endpoint_url=self.inst.endpoint("s3"), config=Config(signature_version=botocore.UNSIGNED))

    def assertDenied(self, fn, **kw):
        with self.assertRaises(ClientError) as cm:
            fn(**kw)
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied", cm.exception.response)
        self.assertEqual(cm.exception.response["Error"]["Message"], "Access Denied")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_policy_requiring_the_encryption_header_denies_a_header_less_put(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="enc-required")
        s3.put_bucket_policy(Bucket="enc-required", Policy=policy(
            {"Sid": "DenyIncorrectEncryptionHeader", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::enc-required/*",
             "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}},
            {"Sid": "DenyUnencryptedObjectUploads", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::enc-required/*",
             "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}))
        # Default encryption would have encrypted it, but the policy sees the request as sent.
        self.assertDenied(s3.put_object, Bucket="enc-required", Key="plain", Body=b"x")
        rc, out, err = self.inst.aws("s3", "cp", "-", "s3://enc-required/cli.txt", input="x")
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDenied", err)
        put = s3.put_object(Bucket="enc-required", Key="sealed", Body=b"x", ServerSideEncryption="AES256")
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        rc, out, err = self.inst.aws("s3", "cp", "-", "s3://enc-required/cli.txt", "--sse", "AES256", input="x")
        self.assertEqual(rc, 0, err)
        # Over HTTPS too (aws-chunked body).
        self.assertDenied(self.s3(https=True).put_object, Bucket="enc-required", Key="plain", Body=b"x")

    def test_tls_only_policy(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="tls-only")
        s3.put_object(Bucket="tls-only", Key="k", Body=b"x")
        s3.put_bucket_policy(Bucket="tls-only", Policy=policy(
            {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::tls-only", "arn:aws:s3:::tls-only/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
        self.assertDenied(s3.get_object, Bucket="tls-only", Key="k")
        self.assertEqual(self.s3(https=True).get_object(Bucket="tls-only", Key="k")["Body"].read(), b"x")
        # The bucket owner's root may always read and remove the policy, even over HTTP (AWS: owners
        # cannot lock themselves out of Get/Put/DeleteBucketPolicy).
        self.assertIn("SecureTransport", s3.get_bucket_policy(Bucket="tls-only")["Policy"])
        s3.delete_bucket_policy(Bucket="tls-only")
        self.assertEqual(s3.get_object(Bucket="tls-only", Key="k")["Body"].read(), b"x")

    def test_anonymous_access_follows_the_bucket_policy(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="public-read")
        s3.put_object(Bucket="public-read", Key="index.html", Body=b"<h1>hi</h1>")
        anon = self.anonymous()
        self.assertDenied(anon.get_object, Bucket="public-read", Key="index.html")
        s3.put_bucket_policy(Bucket="public-read", Policy=policy(
            {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::public-read/*"}))
        self.assertEqual(anon.get_object(Bucket="public-read", Key="index.html")["Body"].read(), b"<h1>hi</h1>")
        self.assertDenied(anon.put_object, Bucket="public-read", Key="x", Body=b"x")
        with self.assertRaises(ClientError) as cm:
            anon.get_object(Bucket="public-read", Key="index.html", ResponseContentType="text/plain")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidRequest")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Request specific response headers cannot be used for anonymous GET requests.")
        self.assertDenied(anon.list_objects_v2, Bucket="public-read")
        self.assertDenied(anon.list_buckets)

    def test_source_ip_condition(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="ip-fenced")
        s3.put_object(Bucket="ip-fenced", Key="k", Body=b"x")
        s3.put_bucket_policy(Bucket="ip-fenced", Policy=policy(
            {"Sid": "OnlyFromOffice", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::ip-fenced/*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}))
        self.assertDenied(s3.get_object, Bucket="ip-fenced", Key="k")
        s3.put_bucket_policy(Bucket="ip-fenced", Policy=policy(
            {"Sid": "OnlyFromLoopback", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::ip-fenced/*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}))
        self.assertEqual(s3.get_object(Bucket="ip-fenced", Key="k")["Body"].read(), b"x")

    def test_policy_resource_outside_the_bucket_is_malformed(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="pol-res")
        with self.assertRaises(ClientError) as cm:
            s3.put_bucket_policy(Bucket="pol-res", Policy=policy(
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::other-bucket/*"}))
        self.assertEqual(cm.exception.response["Error"]["Code"], "MalformedPolicy")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Policy has invalid resource")


if __name__ == "__main__":
    unittest.main()
