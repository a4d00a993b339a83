"""IAM and STS query APIs against a real s3lab-s3 (boto3 `iam`/`sts` clients and `aws iam`), and an IAM
user whose S3 access is limited by its inline and managed policies."""
import json
import time
import unittest

from botocore.exceptions import ClientError

from harness import InstanceTestCase

READ_ONLY_NOTES = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::notes", "arn:aws:s3:::notes/*"]},
    ],
}


class IamTest(InstanceTestCase):
    instance_kwargs = {"start_kms": False}

    def iam(self, **creds):
        return self.inst.client("iam", **creds)

    def user_client(self, service, key):
        return self.inst.client(service, aws_access_key_id=key["AccessKeyId"],
                                aws_secret_access_key=key["SecretAccessKey"])

    def wait_for_key(self, key):
        # The identity store serves keys from a snapshot; give a fresh key a moment to appear.
        sts = self.user_client("sts", key)
        for _ in range(50):
            try:
                return sts.get_caller_identity()
            except ClientError:
                time.sleep(0.1)
        return sts.get_caller_identity()


    def test_caller_identity_of_root(self):
        ident = self.inst.client("sts").get_caller_identity()
        self.assertEqual(ident["Account"], "111122223333")
        self.assertEqual(ident["Arn"], "arn:aws:iam::111122223333:root")
        rc, out, err = self.inst.aws("sts", "get-caller-identity")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["Account"], "111122223333")

    def test_user_crud_and_errors(self):
        iam = self.iam()
        user = iam.create_user(UserName="bob")["User"]
        self.assertEqual(user["Arn"], "arn:aws:iam::111122223333:user/bob")
        self.assertTrue(user["UserId"].startswith("AIDA"))
        self.assertEqual(iam.get_user(UserName="bob")["User"]["UserId"], user["UserId"])
        self.assertIn("bob", [u["UserName"] for u in iam.list_users()["Users"]])
        resp = self.assertCode(iam.create_user, "EntityAlreadyExists", 409, UserName="bob")
        self.assertEqual(resp["Error"]["Type"], "Sender")
        self.assertCode(iam.get_user, "NoSuchEntity", 404, UserName="nobody")
        key = iam.create_access_key(UserName="bob")["AccessKey"]
        self.assertEqual([k["AccessKeyId"] for k in iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]],
                         [key["AccessKeyId"]])
        self.assertCode(iam.delete_user, "DeleteConflict", 409, UserName="bob")
        iam.delete_access_key(UserName="bob", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="bob")
        self.assertCode(iam.get_user, "NoSuchEntity", 404, UserName="bob")

    def test_inline_policy_round_trip(self):
        iam = self.iam()
        iam.create_user(UserName="carol")
        iam.put_user_policy(UserName="carol", PolicyName="read-notes", PolicyDocument=json.dumps(READ_ONLY_NOTES))
        self.assertEqual(iam.list_user_policies(UserName="carol")["PolicyNames"], ["read-notes"])
        got = iam.get_user_policy(UserName="carol", PolicyName="read-notes")
        self.assertEqual(got["PolicyDocument"], READ_ONLY_NOTES)  # botocore decodes the URL-encoded text
        self.assertCode(iam.put_user_policy, "MalformedPolicyDocument", 400, UserName="carol", PolicyName="bad",
                        PolicyDocument="{not json")
        self.assertCode(iam.get_user_policy, "NoSuchEntity", 404, UserName="carol", PolicyName="nope")
        iam.delete_user_policy(UserName="carol", PolicyName="read-notes")
        self.assertEqual(iam.list_user_policies(UserName="carol")["PolicyNames"], [])

    def test_unknown_action_is_invalid_action(self):
        rc, out, err = self.inst.aws("iam", "list-roles")
        self.assertNotEqual(rc, 0)
        self.assertIn("InvalidAction", err)

    def test_user_limited_by_policy(self):
        root_s3 = self.inst.client("s3")
        root_s3.create_bucket(Bucket="notes")
        root_s3.put_object(Bucket="notes", Key="readme.txt", Body=b"hi")
        root_s3.create_bucket(Bucket="secret")
        iam = self.iam()
        iam.create_user(UserName="alice")
        key = iam.create_access_key(UserName="alice")["AccessKey"]
        ident = self.wait_for_key(key)
        self.assertEqual(ident["Arn"], "arn:aws:iam::111122223333:user/alice")
        s3 = self.user_client("s3", key)
        # No policy yet: everything is denied.
        self.assertCode(s3.get_object, "AccessDenied", 403, Bucket="notes", Key="readme.txt")
        self.assertCode(self.user_client("iam", key).list_users, "AccessDenied", 403)
        iam.put_user_policy(UserName="alice", PolicyName="read-notes", PolicyDocument=json.dumps(READ_ONLY_NOTES))
        for _ in range(50):
            try:
                body = s3.get_object(Bucket="notes", Key="readme.txt")["Body"].read()
                break
            except ClientError:
                time.sleep(0.1)
        self.assertEqual(body, b"hi")
        self.assertEqual([c["Key"] for c in s3.list_objects_v2(Bucket="notes")["Contents"]], ["readme.txt"])
        self.assertCode(s3.put_object, "AccessDenied", 403, Bucket="notes", Key="new", Body=b"x")
        self.assertCode(s3.list_objects_v2, "AccessDenied", 403, Bucket="secret")
        self.assertCode(s3.delete_object, "AccessDenied", 403, Bucket="notes", Key="readme.txt")
        # A managed policy attached later adds PutObject; an explicit Deny in another wins over it.
        arn = iam.create_policy(PolicyName="notes-writer", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::notes/*"}]}))[
            "Policy"]["Arn"]
        iam.attach_user_policy(UserName="alice", PolicyArn=arn)
        self.assertEqual([p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="alice")[
            "AttachedPolicies"]], [arn])
        for _ in range(50):
            try:
                s3.put_object(Bucket="notes", Key="new", Body=b"x")
                break
            except ClientError:
                time.sleep(0.1)
        self.assertEqual(root_s3.get_object(Bucket="notes", Key="new")["Body"].read(), b"x")
        iam.put_user_policy(UserName="alice", PolicyName="deny-put", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}]}))
        time.sleep(0.3)
        self.assertCode(s3.put_object, "AccessDenied", 403, Bucket="notes", Key="new2", Body=b"x")
        # DeleteObjects reports per-key AccessDenied inside a 200.
        r = s3.delete_objects(Bucket="notes", Delete={"Objects": [{"Key": "readme.txt"}]})
        self.assertEqual(r["Errors"][0]["Code"], "AccessDenied")
        iam.detach_user_policy(UserName="alice", PolicyArn=arn)
        self.assertEqual(iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"], [])
        # The user's own IAM calls need iam:* permissions.
        denied = self.assertCode(self.user_client("iam", key).create_user, "AccessDenied", 403, UserName="mallory")
        self.assertIn("is not authorized to perform: iam:CreateUser", denied["Error"]["Message"])

    def test_missing_key_is_403_without_list_bucket_and_404_with_it(self):
        root_s3 = self.inst.client("s3")
        root_s3.create_bucket(Bucket="quiet")
        iam = self.iam()
        iam.create_user(UserName="gina")
        iam.put_user_policy(UserName="gina", PolicyName="get-only", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::quiet/*"}]}))
        key = iam.create_access_key(UserName="gina")["AccessKey"]
        self.wait_for_key(key)
        s3 = self.user_client("s3", key)
        # Without s3:ListBucket the caller must not learn whether a key exists (AWS: 403, not 404).
        self.assertCode(s3.get_object, "AccessDenied", 403, "Access Denied", Bucket="quiet", Key="nope")
        self.assertCode(s3.head_object, "403", 403, Bucket="quiet", Key="nope")
        iam.put_user_policy(UserName="gina", PolicyName="list", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::quiet"}]}))
        time.sleep(0.3)
        self.assertCode(s3.get_object, "NoSuchKey", 404, Bucket="quiet", Key="nope")
        self.assertCode(s3.head_object, "404", 404, Bucket="quiet", Key="nope")

    def test_list_users_pages_with_max_items_and_marker(self):
        iam = self.iam()
        names = [f"pager-{i}" for i in range(5)]
        for n in names:
            iam.create_user(UserName=n)
            iam.put_user_policy(UserName="pager-0", PolicyName=f"p-{n}", PolicyDocument=json.dumps(READ_ONLY_NOTES))
        first = iam.list_users(MaxItems=2)
        self.assertEqual(len(first["Users"]), 2)
        self.assertTrue(first["IsTruncated"])
        self.assertIn("Marker", first)
        seen = [u["UserName"] for page in iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2})
                for u in page["Users"]]
        self.assertEqual([n for n in seen if n.startswith("pager-")], names)
        self.assertEqual(len(seen), len(set(seen)))
        policies = [p for page in iam.get_paginator("list_user_policies").paginate(
            UserName="pager-0", PaginationConfig={"PageSize": 3}) for p in page["PolicyNames"]]
        self.assertEqual(policies, sorted(f"p-{n}" for n in names))
        last = iam.list_users(MaxItems=1000)
        self.assertFalse(last["IsTruncated"])
        self.assertNotIn("Marker", last)
        self.assertCode(iam.list_users, "InvalidInput", 400, Marker="bm90LWEtbWFya2Vy")
        for n in names:
            iam.delete_user_policy(UserName="pager-0", PolicyName=f"p-{n}")
        for n in names:
            iam.delete_user(UserName=n)

    def test_cli_iam_flow(self):
        rc, out, err = self.inst.aws("iam", "create-user", "--user-name", "dave")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.inst.aws("iam", "create-access-key", "--user-name", "dave")
        self.assertEqual(rc, 0, err)
        self.assertTrue(json.loads(out)["AccessKey"]["AccessKeyId"].startswith("AKIA"))
        rc, out, err = self.inst.aws("iam", "list-users")
        self.assertIn("dave", out)

    def test_bad_signature_is_signature_does_not_match(self):
        ak, _ = self.inst.root_credentials()
        sts = self.inst.client("sts", aws_access_key_id=ak, aws_secret_access_key="wrong" * 8)
        self.assertCode(sts.get_caller_identity, "SignatureDoesNotMatch", 403)
        iam = self.inst.client("iam", aws_access_key_id="AKIAUNKNOWNKEY000000", aws_secret_access_key="x" * 40)
        self.assertCode(iam.list_users, "InvalidClientTokenId", 403)


if __name__ == "__main__":
    unittest.main()
