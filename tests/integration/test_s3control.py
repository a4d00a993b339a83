"""S3 Control access point management (emulator/s3control/s3control_api.h) with boto3 and the aws CLI (v1) at
default settings; `*.127.0.0.1` resolves through the test-only shim in dns_shim/ (see its docstring)."""
import json
import os

import dns_shim.sitecustomize  # noqa: F401  (answers 111122223333.127.0.0.1 with 127.0.0.1)
import harness
from harness import InstanceTestCase

ACCOUNT = harness.ACCOUNT_ID
REGION = harness.REGION
SHIM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dns_shim")


def ap_arn(name):
    return f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{name}"


class AccessPointTest(InstanceTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seed_bucket("ap-data", {})
        cls.ctl = cls.inst.client("s3control")

    def test_create_get_list_delete(self):
        ctl = self.ctl
        self.seed_bucket("ap-list", {})
        made = ctl.create_access_point(AccountId=ACCOUNT, Name="ap-open", Bucket="ap-list")
        self.assertEqual(made["AccessPointArn"], ap_arn("ap-open"))
        self.assertRegex(made["Alias"], r"^ap-open-[0-9a-z]{34}-s3alias$")
        got = ctl.get_access_point(AccountId=ACCOUNT, Name="ap-open")
        self.assertEqual((got["Name"], got["Bucket"], got["NetworkOrigin"], got["BucketAccountId"], got["Alias"]),
                         ("ap-open", "ap-list", "Internet", ACCOUNT, made["Alias"]))
        self.assertEqual(got["PublicAccessBlockConfiguration"], {
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
        self.assertEqual(got["Endpoints"]["ipv4"], f"s3-accesspoint.{REGION}.amazonaws.com")
        self.assertNotIn("VpcConfiguration", got)
        ctl.create_access_point(AccountId=ACCOUNT, Name="ap-vpc", Bucket="ap-list",
                                VpcConfiguration={"VpcId": "vpc-0a1b2c3d"})
        vpc = ctl.get_access_point(AccountId=ACCOUNT, Name="ap-vpc")
        self.assertEqual((vpc["NetworkOrigin"], vpc["VpcConfiguration"]), ("VPC", {"VpcId": "vpc-0a1b2c3d"}))
        page = ctl.list_access_points(AccountId=ACCOUNT, Bucket="ap-list", MaxResults=1)
        self.assertEqual([a["Name"] for a in page["AccessPointList"]], ["ap-open"])
        rest = ctl.list_access_points(AccountId=ACCOUNT, Bucket="ap-list", NextToken=page["NextToken"])
        self.assertEqual([(a["Name"], a["NetworkOrigin"]) for a in rest["AccessPointList"]], [("ap-vpc", "VPC")])
        self.assertNotIn("NextToken", rest)
        self.assertEqual(ctl.list_access_points(AccountId=ACCOUNT, Bucket="other-bucket")["AccessPointList"], [])
        self.assertCode(ctl.create_access_point, "AccessPointAlreadyOwnedByYou", 409,
                        "Your previous request to create the named accesspoint succeeded and you already own it.",
                        AccountId=ACCOUNT, Name="ap-open", Bucket="ap-list")
        self.assertCode(ctl.create_access_point, "NoSuchBucket", 404, "The specified bucket does not exist",
                        AccountId=ACCOUNT, Name="ap-nobucket", Bucket="no-such-bucket-here")
        ctl.delete_access_point(AccountId=ACCOUNT, Name="ap-vpc")
        self.assertCode(ctl.get_access_point, "NoSuchAccessPoint", 404, "The specified accesspoint does not exist",
                        AccountId=ACCOUNT, Name="ap-vpc")

    def test_access_point_policy(self):
        ctl = self.ctl
        ctl.create_access_point(AccountId=ACCOUNT, Name="ap-policy", Bucket="ap-data")
        self.assertCode(ctl.get_access_point_policy, "NoSuchAccessPointPolicy", 404, AccountId=ACCOUNT,
                        Name="ap-policy")
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}, "Action": "s3:GetObject",
            "Resource": ap_arn("ap-policy") + "/object/*"}]})
        ctl.put_access_point_policy(AccountId=ACCOUNT, Name="ap-policy", Policy=policy)
        self.assertEqual(ctl.get_access_point_policy(AccountId=ACCOUNT, Name="ap-policy")["Policy"], policy)
        self.assertCode(ctl.put_access_point_policy, "MalformedPolicy", 400, AccountId=ACCOUNT, Name="ap-policy",
                        Policy="{not json")
        ctl.delete_access_point_policy(AccountId=ACCOUNT, Name="ap-policy")
        self.assertCode(ctl.get_access_point_policy, "NoSuchAccessPointPolicy", 404, AccountId=ACCOUNT,
                        Name="ap-policy")

    def test_only_allowed_principals_of_the_account_manage_access_points(self):
        iam = self.inst.client("iam")
        iam.create_user(UserName="ap-viewer")
        iam.put_user_policy(UserName="ap-viewer", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetAccessPoint",
                                                    "Resource": ap_arn("*")}]}))
        key = iam.create_access_key(UserName="ap-viewer")["AccessKey"]
        viewer = self.inst.client("s3control", aws_access_key_id=key["AccessKeyId"],
                                  aws_secret_access_key=key["SecretAccessKey"])
        self.ctl.create_access_point(AccountId=ACCOUNT, Name="ap-perm", Bucket="ap-data")
        self.assertEqual(viewer.get_access_point(AccountId=ACCOUNT, Name="ap-perm")["Name"], "ap-perm")
        self.assertCode(viewer.delete_access_point, "AccessDenied", 403, "Access Denied", AccountId=ACCOUNT,
                        Name="ap-perm")
        self.assertCode(self.ctl.get_access_point, "AccessDenied", 403, AccountId="444455556666", Name="ap-perm")

    def test_calls_are_cloudtrail_management_events(self):
        self.ctl.create_access_point(AccountId=ACCOUNT, Name="ap-trail", Bucket="ap-data")
        events = self.inst.client("cloudtrail").lookup_events(LookupAttributes=[
            {"AttributeKey": "ResourceName", "AttributeValue": ap_arn("ap-trail")}])["Events"]
        (record,) = [json.loads(e["CloudTrailEvent"]) for e in events if e["EventName"] == "CreateAccessPoint"]
        self.assertEqual((record["eventSource"], record["eventCategory"], record["readOnly"]),
                         ("s3.amazonaws.com", "Management", False))
        self.assertEqual(record["resources"], [{"accountId": ACCOUNT, "type": "AWS::S3::AccessPoint",
                                                "ARN": ap_arn("ap-trail")}])
        params = record["requestParameters"]
        self.assertEqual((params["name"], params["x-amz-account-id"], params["CreateAccessPointRequest"]["Bucket"]),
                         ("ap-trail", ACCOUNT, "ap-data"))

    def test_aws_cli_and_unimplemented_operations(self):
        env = self.inst.env()
        env["PYTHONPATH"] = SHIM + os.pathsep + env.get("PYTHONPATH", "")
        self.ctl.create_access_point(AccountId=ACCOUNT, Name="ap-cli", Bucket="ap-data")
        rc, out, err = self.inst.aws("s3control", "get-access-point", "--account-id", ACCOUNT, "--name", "ap-cli",
                                     env=env)
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["Bucket"], "ap-data")
        self.assertCode(self.ctl.get_public_access_block, "NotImplemented", 501, AccountId=ACCOUNT)
