"""Versioning with MFA Delete against the real processes (boto3 and the aws CLI, default settings):
IAM virtual MFA devices (create, enable with two consecutive TOTP codes, list, deactivate, delete), then a
bucket whose root user turns MfaDelete on with x-amz-mfa over HTTPS; after that every versioning change
and every permanent version delete needs a valid code, while plain deletes (delete markers) do not.
Codes are computed here with an independent RFC 6238 implementation (hmac + hashlib)."""
import base64
import hashlib
import hmac
import struct
import time
import unittest

import botocore.exceptions

import harness

MFA_REQUIRED = "Mfa Authentication must be used for this request"


def totp(seed, t=None):
    counter = int((time.time() if t is None else t) // 30)
    mac = hmac.new(seed, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[19] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class MfaDeleteTest(harness.InstanceTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iam = cls.inst.client("iam")
        device = cls.iam.create_virtual_mfa_device(VirtualMFADeviceName="root-account-mfa-device")
        cls.serial = device["VirtualMFADevice"]["SerialNumber"]
        cls.seed = base64.b32decode(device["VirtualMFADevice"]["Base32StringSeed"])
        now = time.time()
        cls.iam.enable_mfa_device(UserName="root", SerialNumber=cls.serial,
                                  AuthenticationCode1=totp(cls.seed, now - 30),
                                  AuthenticationCode2=totp(cls.seed, now))
        cls.s3 = cls.inst.client("s3", https=True)

    def mfa(self):
        return f"{self.serial} {totp(self.seed)}"

    def new_bucket(self, name):
        self.s3.create_bucket(Bucket=name)
        self.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        return name

    def enable_mfa_delete(self, bucket):
        self.s3.put_bucket_versioning(Bucket=bucket, MFA=self.mfa(),
                                      VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})

    def test_device_serial_listing_and_wrong_codes(self):
        self.assertEqual(self.serial, f"arn:aws:iam::{harness.ACCOUNT_ID}:mfa/root-account-mfa-device")
        self.assertEqual(len(self.seed), 20)
        listed = self.iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
        self.assertEqual([d["SerialNumber"] for d in listed], [self.serial])
        self.assertEqual(listed[0]["User"]["Arn"], f"arn:aws:iam::{harness.ACCOUNT_ID}:root")
        other = self.iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")["VirtualMFADevice"]
        self.assertCode(lambda: self.iam.enable_mfa_device(
            UserName="root", SerialNumber=other["SerialNumber"], AuthenticationCode1="000000",
            AuthenticationCode2="000001"), "InvalidAuthenticationCode", 403,
            "Authentication code for device is not valid.")
        self.assertCode(lambda: self.iam.create_virtual_mfa_device(VirtualMFADeviceName="spare"),
                        "EntityAlreadyExists", 409)
        self.iam.delete_virtual_mfa_device(SerialNumber=other["SerialNumber"])
        self.assertCode(lambda: self.iam.delete_virtual_mfa_device(SerialNumber=self.serial), "DeleteConflict", 409)

    def test_s3lab_mfa_code_matches_the_device(self):
        rc, out, err = self.inst.s3lab("mfa", "code", self.serial)
        self.assertEqual(rc, 0, err)
        self.assertIn(out.strip(), {totp(self.seed, time.time() + d) for d in (-30, 0, 30)})

    def test_enabling_needs_the_root_device_over_https(self):
        bucket = self.new_bucket("mfa-enable")
        self.assertCode(lambda: self.s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}),
            "AccessDenied", 403, MFA_REQUIRED)
        self.assertCode(lambda: self.s3.put_bucket_versioning(
            Bucket=bucket, MFA=f"{self.serial} 000000",
            VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}), "AccessDenied", 403)
        self.assertCode(lambda: self.s3.put_bucket_versioning(
            Bucket=bucket, MFA="no-space-here",
            VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}), "InvalidArgument", 400)
        plain = self.inst.client("s3")
        self.assertCode(lambda: plain.put_bucket_versioning(
            Bucket=bucket, MFA=self.mfa(), VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}),
            "InvalidRequest", 400)
        self.enable_mfa_delete(bucket)
        got = self.s3.get_bucket_versioning(Bucket=bucket)
        self.assertEqual((got["Status"], got["MFADelete"]), ("Enabled", "Enabled"))
        # Now even suspending versioning needs the code.
        self.assertCode(lambda: self.s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}), "AccessDenied", 403, MFA_REQUIRED)

    def test_permanent_deletes_need_mfa_delete_markers_do_not(self):
        bucket = self.new_bucket("mfa-deletes")
        self.enable_mfa_delete(bucket)
        v1 = self.s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"two")
        self.assertCode(lambda: self.s3.delete_object(Bucket=bucket, Key="k", VersionId=v1),
                        "AccessDenied", 403, MFA_REQUIRED)
        self.assertCode(lambda: self.s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": v1}]}), "AccessDenied", 403, MFA_REQUIRED)
        marker = self.s3.delete_object(Bucket=bucket, Key="k")  # a delete marker: no MFA needed
        self.assertTrue(marker["DeleteMarker"])
        versions = self.s3.list_object_versions(Bucket=bucket)["Versions"]
        self.assertEqual(len(versions), 2)
        self.s3.delete_object(Bucket=bucket, Key="k", VersionId=v1, MFA=self.mfa())
        versions = self.s3.list_object_versions(Bucket=bucket)["Versions"]
        self.assertEqual([v["VersionId"] for v in versions if v["VersionId"] == v1], [])

    def test_iam_user_cannot_turn_mfa_delete_on(self):
        bucket = self.new_bucket("mfa-user")
        self.iam.create_user(UserName="ops")
        self.iam.put_user_policy(UserName="ops", PolicyName="s3", PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'))
        key = self.iam.create_access_key(UserName="ops")["AccessKey"]
        ops = self.inst.client("s3", https=True, aws_access_key_id=key["AccessKeyId"],
                               aws_secret_access_key=key["SecretAccessKey"])
        self.assertCode(lambda: ops.put_bucket_versioning(
            Bucket=bucket, MFA=self.mfa(), VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}),
            "AccessDenied", 403)

    def test_aws_cli_turns_it_off_with_mfa(self):
        bucket = self.new_bucket("mfa-cli")
        self.enable_mfa_delete(bucket)
        rc, out, err = self.inst.aws("s3api", "put-bucket-versioning", "--bucket", bucket,
                                     "--versioning-configuration", "Status=Enabled,MFADelete=Disabled",
                                     "--mfa", self.mfa(), https=True)
        self.assertEqual(rc, 0, err)
        rc, out, err = self.inst.aws("s3api", "get-bucket-versioning", "--bucket", bucket, https=True)
        self.assertIn('"MFADelete": "Disabled"', out)


if __name__ == "__main__":
    unittest.main()
