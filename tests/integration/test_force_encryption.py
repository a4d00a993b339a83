"""Default encryption and the bucket policies that force encryption (issue 3), with boto3 and the aws CLI
against a real s3lab: the canonical policies of AWS-REFERENCE §4.4 are evaluated on the request AS SENT,
before default encryption applies (§4.3).

- Null `s3:x-amz-server-side-encryption` deny: a plain PUT is refused (403 AccessDenied) although the
  bucket default would have encrypted it; the same PUT with `--sse AES256` passes.
- StringNotEquals AES256: refuses header-less and aws:kms uploads; the aws:kms and key-ARN variants.
- `s3:x-amz-server-side-encryption-customer-algorithm` (SSE-C, HTTPS only).
- `aws:SecureTransport` deny: every request over HTTP refused, the same over HTTPS allowed; the bucket
  owner's root can still read and remove the policy (AWS's lock-out guard), an IAM user cannot.
- A bucket whose default is aws:kms: the Null policy still denies the header-less PUT.

Checks that need SSE-KMS or SSE-C to store objects skip (with the reason) while the server answers those
headers with NotImplemented; the denials they contain run today, because authorization comes first.
"""
import base64
import hashlib
import json
import os
import unittest
import urllib.error
import urllib.request

from botocore.exceptions import ClientError

from harness import ACCOUNT_ID, InstanceTestCase

ACCESS_DENIED = "Access Denied"


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def deny_put(bucket, sid, condition):
    return {"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/*", "Condition": condition}


def require_header(bucket):
    """AWS's DenyUnencryptedObjectUploads statement (§4.4)."""
    return deny_put(bucket, "DenyUnencryptedObjectUploads", {"Null": {"s3:x-amz-server-side-encryption": "true"}})


def require_value(bucket, value):
    """AWS's DenyIncorrectEncryptionHeader statement (§4.4), for AES256 or aws:kms."""
    return deny_put(bucket, "DenyIncorrectEncryptionHeader",
                    {"StringNotEquals": {"s3:x-amz-server-side-encryption": value}})


class ForceEncryptionTest(InstanceTestCase):
    _support = {}

    # ---- helpers --------------------------------------------------------------------------------
    def s3(self, https=False, **creds):
        return self.inst.client("s3", https=https, **creds)

    def bucket(self, name, statements=()):
        s3 = self.s3()
        s3.create_bucket(Bucket=name)
        if statements:
            s3.put_bucket_policy(Bucket=name, Policy=policy(*statements))
        return name

    def assertDenied(self, fn, **kw):
        resp = self.assertCode(fn, "AccessDenied", 403, ACCESS_DENIED, **kw)
        return resp

    def assertAbsent(self, bucket, key):
        self.assertCode(self.s3().head_object, "404", 404, Bucket=bucket, Key=key)

    def cli(self, *args, https=False, input=None, **kw):
        return self.inst.aws(*args, https=https, input=input, **kw)

    def assertCliDenied(self, rc, err, operation, exit_code=1):
        """aws s3 cp exits 1 on a failed transfer; s3api commands and `aws s3 ls` exit 255."""
        self.assertEqual(rc, exit_code, err)
        self.assertIn(f"An error occurred (AccessDenied) when calling the {operation} operation: Access Denied",
                      err)

    def supported(self, mode):
        """Whether the server stores objects with SSE-KMS ("kms") or SSE-C ("ssec") yet (probed once)."""
        if mode not in self._support:
            s3 = self.s3(https=True)
            probe = "probe-" + mode
            s3.create_bucket(Bucket=probe)
            kw = ({"ServerSideEncryption": "aws:kms"} if mode == "kms" else
                  {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": os.urandom(32)})
            try:
                s3.put_object(Bucket=probe, Key="p", Body=b"p", **kw)
                self._support[mode] = True
            except ClientError as e:
                if e.response["Error"]["Code"] != "NotImplemented":
                    raise
                self._support[mode] = False
        return self._support[mode]

    def need(self, mode):
        if not self.supported(mode):
            self.skipTest({"kms": "SSE-KMS", "ssec": "SSE-C"}[mode] + " not implemented yet (NotImplemented)")

    def new_key(self):
        return self.inst.client("kms").create_key(Description="force-encryption test")["KeyMetadata"]

    # ---- the Null policy: "deny PutObject without x-amz-server-side-encryption" -----------------
    def test_null_policy_denies_a_plain_put_that_default_encryption_would_have_encrypted(self):
        b = self.bucket("null-pol")
        s3 = self.s3()
        # Without a policy the plain PUT is encrypted by the bucket default (SSE-S3).
        rule = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256")
        self.assertEqual(s3.put_object(Bucket=b, Key="before", Body=b"x")["ServerSideEncryption"], "AES256")
        s3.put_bucket_policy(Bucket=b, Policy=policy(require_header(b)))
        # The policy sees the request as sent: no header, so denied, and nothing is stored.
        self.assertDenied(s3.put_object, Bucket=b, Key="plain", Body=b"plain")
        self.assertAbsent(b, "plain")
        self.assertDenied(self.s3(https=True).put_object, Bucket=b, Key="plain", Body=b"plain")
        put = s3.put_object(Bucket=b, Key="sealed", Body=b"sealed", ServerSideEncryption="AES256")
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        got = s3.get_object(Bucket=b, Key="sealed")
        self.assertEqual((got["Body"].read(), got["ServerSideEncryption"]), (b"sealed", "AES256"))
        # Only s3:PutObject is denied: reads, listings and deletes are untouched.
        self.assertEqual([o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]], ["before", "sealed"])
        s3.delete_object(Bucket=b, Key="before")

    def test_null_policy_with_the_cli(self):
        b = self.bucket("null-cli", [require_header("null-cli")])
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/plain.txt", input="plain text")
        self.assertCliDenied(rc, err, "PutObject")
        rc, out, err = self.cli("s3api", "put-object", "--bucket", b, "--key", "api.txt")
        self.assertCliDenied(rc, err, "PutObject", 255)
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/sse.txt", "--sse", "AES256", input="sealed text")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.cli("s3api", "head-object", "--bucket", b, "--key", "sse.txt")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["ServerSideEncryption"], "AES256")
        rc, out, err = self.cli("s3api", "put-object", "--bucket", b, "--key", "api.txt",
                                "--server-side-encryption", "AES256")
        self.assertEqual((rc, json.loads(out)["ServerSideEncryption"]), (0, "AES256"), err)
        rc, out, err = self.cli("s3", "cp", f"s3://{b}/sse.txt", "-")
        self.assertEqual((rc, out), (0, "sealed text"), err)
        # CopyObject is s3:PutObject on the target: the copy needs the header too.
        rc, out, err = self.cli("s3", "cp", f"s3://{b}/sse.txt", f"s3://{b}/copy.txt")
        self.assertCliDenied(rc, err, "CopyObject")
        rc, out, err = self.cli("s3", "cp", f"s3://{b}/sse.txt", f"s3://{b}/copy.txt", "--sse", "AES256")
        self.assertEqual(rc, 0, err)

    def test_null_policy_applies_to_create_multipart_upload(self):
        b = self.bucket("null-mpu", [require_header("null-mpu")])
        s3 = self.s3()
        self.assertDenied(s3.create_multipart_upload, Bucket=b, Key="big")
        up = s3.create_multipart_upload(Bucket=b, Key="big", ServerSideEncryption="AES256")
        self.assertEqual(up["ServerSideEncryption"], "AES256")
        s3.abort_multipart_upload(Bucket=b, Key="big", UploadId=up["UploadId"])

    # ---- StringNotEquals AES256 -------------------------------------------------------------------
    def test_string_not_equals_aes256_blocks_kms_and_header_less_uploads(self):
        b = self.bucket("sne-aes", [require_value("sne-aes", "AES256")])
        s3 = self.s3()
        # A negated operator matches when the key is absent: the header-less PUT is denied too.
        self.assertDenied(s3.put_object, Bucket=b, Key="plain", Body=b"x")
        self.assertDenied(s3.put_object, Bucket=b, Key="kms", Body=b"x", ServerSideEncryption="aws:kms")
        self.assertDenied(s3.put_object, Bucket=b, Key="dsse", Body=b"x", ServerSideEncryption="aws:kms:dsse")
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/kms.txt", "--sse", "aws:kms", input="x")
        self.assertCliDenied(rc, err, "PutObject")
        for key in ("plain", "kms", "dsse", "kms.txt"):
            self.assertAbsent(b, key)
        self.assertEqual(s3.put_object(Bucket=b, Key="ok", Body=b"x", ServerSideEncryption="AES256")
                         ["ServerSideEncryption"], "AES256")
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/ok.txt", "--sse", "AES256", input="x")
        self.assertEqual(rc, 0, err)

    # ---- SSE-KMS variants -------------------------------------------------------------------------
    def test_string_not_equals_aws_kms_requires_sse_kms(self):
        b = self.bucket("sne-kms", [require_value("sne-kms", "aws:kms"), require_header("sne-kms")])
        s3 = self.s3()
        self.assertDenied(s3.put_object, Bucket=b, Key="plain", Body=b"x")
        self.assertDenied(s3.put_object, Bucket=b, Key="aes", Body=b"x", ServerSideEncryption="AES256")
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/aes.txt", "--sse", "AES256", input="x")
        self.assertCliDenied(rc, err, "PutObject")
        self.need("kms")
        put = s3.put_object(Bucket=b, Key="kms", Body=b"kms body", ServerSideEncryption="aws:kms")
        self.assertEqual(put["ServerSideEncryption"], "aws:kms")
        self.assertRegex(put["SSEKMSKeyId"], rf"^arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/[0-9a-f-]{{36}}$")
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/kms.txt", "--sse", "aws:kms", input="kms text")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.cli("s3", "cp", f"s3://{b}/kms.txt", "-")
        self.assertEqual((rc, out), (0, "kms text"), err)

    def test_kms_key_id_condition_admits_only_the_named_key_arn(self):
        key, other = self.new_key(), self.new_key()
        b = self.bucket("kms-keyid", [
            require_value("kms-keyid", "aws:kms"),
            deny_put("kms-keyid", "RequireThisKey",
                     {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key["Arn"]}})])
        s3 = self.s3()
        self.assertDenied(s3.put_object, Bucket=b, Key="other", Body=b"x", ServerSideEncryption="aws:kms",
                          SSEKMSKeyId=other["Arn"])
        # No key id at all: the condition key is absent, StringNotEquals matches, denied.
        self.assertDenied(s3.put_object, Bucket=b, Key="managed", Body=b"x", ServerSideEncryption="aws:kms")
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/other.txt", "--sse", "aws:kms",
                                "--sse-kms-key-id", other["Arn"], input="x")
        self.assertCliDenied(rc, err, "PutObject")
        self.need("kms")
        put = s3.put_object(Bucket=b, Key="right", Body=b"right", ServerSideEncryption="aws:kms",
                            SSEKMSKeyId=key["Arn"])
        self.assertEqual((put["ServerSideEncryption"], put["SSEKMSKeyId"]), ("aws:kms", key["Arn"]))
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/right.txt", "--sse", "aws:kms",
                                "--sse-kms-key-id", key["Arn"], input="right text")
        self.assertEqual(rc, 0, err)
        head = s3.head_object(Bucket=b, Key="right.txt")
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]), ("aws:kms", key["Arn"]))
        self.assertAbsent(b, "other")

    # ---- SSE-C: s3:x-amz-server-side-encryption-customer-algorithm --------------------------------
    def test_customer_algorithm_condition_requires_sse_c(self):
        b = self.bucket("ssec-only", [deny_put(
            "ssec-only", "RequireSseC",
            {"Null": {"s3:x-amz-server-side-encryption-customer-algorithm": "true"}})])
        tls = self.s3(https=True)
        self.assertDenied(tls.put_object, Bucket=b, Key="plain", Body=b"x")
        self.assertDenied(tls.put_object, Bucket=b, Key="aes", Body=b"x", ServerSideEncryption="AES256")
        self.need("ssec")
        key = os.urandom(32)
        put = tls.put_object(Bucket=b, Key="c", Body=b"customer", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
        self.assertEqual(put["SSECustomerAlgorithm"], "AES256")
        self.assertEqual(put["SSECustomerKeyMD5"], base64.b64encode(hashlib.md5(key).digest()).decode())
        got = tls.get_object(Bucket=b, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
        self.assertEqual(got["Body"].read(), b"customer")
        with open(os.path.join(self.inst.tmp, "ssec.key"), "wb") as f:
            f.write(key)
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/cli.txt", "--sse-c", "AES256",
                                "--sse-c-key", "fileb://" + f.name, https=True, input="cli customer")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/cli-plain.txt", https=True, input="x")
        self.assertCliDenied(rc, err, "PutObject")

    # ---- aws:SecureTransport ----------------------------------------------------------------------
    def tls_only(self, bucket):
        return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}

    def test_secure_transport_deny_refuses_every_http_request_and_allows_https(self):
        b = self.bucket("tls-deny")
        s3, tls = self.s3(), self.s3(https=True)
        s3.put_object(Bucket=b, Key="doc.txt", Body=b"over http before the policy")
        s3.put_bucket_policy(Bucket=b, Policy=policy(self.tls_only(b)))
        for fn, kw in [(s3.get_object, {"Key": "doc.txt"}), (s3.put_object, {"Key": "new", "Body": b"x"}),
                       (s3.put_object, {"Key": "new", "Body": b"x", "ServerSideEncryption": "AES256"}),
                       (s3.delete_object, {"Key": "doc.txt"}), (s3.list_objects_v2, {}),
                       (s3.list_objects, {}), (s3.get_bucket_encryption, {}), (s3.get_bucket_versioning, {}),
                       (s3.copy_object, {"Key": "copy", "CopySource": f"{b}/doc.txt"})]:
            with self.subTest(op=fn.__name__, **{k: str(v) for k, v in kw.items()}):
                self.assertDenied(fn, Bucket=b, **kw)
        # HEAD has no body: botocore reports the bare status.
        self.assertCode(s3.head_object, "403", 403, Bucket=b, Key="doc.txt")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "doc.txt"})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(url)
        self.assertEqual(cm.exception.code, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", cm.exception.read())
        # The same calls over HTTPS are allowed.
        self.assertEqual(tls.get_object(Bucket=b, Key="doc.txt")["Body"].read(), b"over http before the policy")
        tls.put_object(Bucket=b, Key="new", Body=b"over https")
        self.assertEqual(tls.head_object(Bucket=b, Key="new")["ServerSideEncryption"], "AES256")
        self.assertEqual(sorted(o["Key"] for o in tls.list_objects_v2(Bucket=b)["Contents"]), ["doc.txt", "new"])
        tls.copy_object(Bucket=b, Key="copy", CopySource=f"{b}/doc.txt")
        tls.delete_object(Bucket=b, Key="copy")
        # Requests on other buckets and ListBuckets are not covered by the policy's resources.
        self.assertIn(b, [x["Name"] for x in s3.list_buckets()["Buckets"]])

    def test_secure_transport_deny_with_the_cli(self):
        b = self.bucket("tls-cli", [self.tls_only("tls-cli")])
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/a.txt", input="secret")
        self.assertCliDenied(rc, err, "PutObject")
        rc, out, err = self.cli("s3", "ls", f"s3://{b}")
        self.assertCliDenied(rc, err, "ListObjectsV2", 255)
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/a.txt", https=True, input="secret")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.cli("s3", "cp", f"s3://{b}/a.txt", "-", https=True)
        self.assertEqual((rc, out), (0, "secret"), err)
        rc, out, err = self.cli("s3", "cp", f"s3://{b}/a.txt", "-")
        self.assertEqual(rc, 1, err)
        self.assertIn("403", err)

    def test_bucket_owner_root_cannot_lock_itself_out_of_the_policy(self):
        b = self.bucket("tls-lock", [self.tls_only("tls-lock")])
        iam = self.inst.client("iam")
        iam.create_user(UserName="tls-admin")
        iam.put_user_policy(UserName="tls-admin", PolicyName="all-s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        ak = iam.create_access_key(UserName="tls-admin")["AccessKey"]
        admin = self.s3(aws_access_key_id=ak["AccessKeyId"], aws_secret_access_key=ak["SecretAccessKey"])
        # An IAM user allowed s3:* is still held by the explicit deny, even for the policy itself.
        self.assertDenied(admin.get_bucket_policy, Bucket=b)
        self.assertDenied(admin.delete_bucket_policy, Bucket=b)
        self.assertDenied(self.s3().get_object, Bucket=b, Key="none")
        # The bucket owner's root may always Get/Put/DeleteBucketPolicy (AWS's lock-out guard).
        s3 = self.s3()
        self.assertEqual(json.loads(s3.get_bucket_policy(Bucket=b)["Policy"])["Statement"][0]["Sid"],
                         "DenyInsecureTransport")
        s3.put_bucket_policy(Bucket=b, Policy=policy(self.tls_only(b)))
        s3.delete_bucket_policy(Bucket=b)
        s3.put_object(Bucket=b, Key="after", Body=b"x")
        self.assertEqual(admin.get_object(Bucket=b, Key="after")["Body"].read(), b"x")

    # ---- bucket default aws:kms ---------------------------------------------------------------------
    def test_policy_sees_the_request_as_sent_when_the_default_is_aws_kms(self):
        key = self.new_key()
        b = self.bucket("kms-default")
        s3 = self.s3()
        s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]},
             "BucketKeyEnabled": True}]})
        s3.put_bucket_policy(Bucket=b, Policy=policy(require_header(b)))
        # The default would encrypt it with the KMS key, but the request as sent has no header: denied.
        self.assertDenied(s3.put_object, Bucket=b, Key="plain", Body=b"x")
        rc, out, err = self.cli("s3", "cp", "-", f"s3://{b}/plain.txt", input="x")
        self.assertCliDenied(rc, err, "PutObject")
        # A header on the request wins over the bucket default.
        put = s3.put_object(Bucket=b, Key="aes", Body=b"aes", ServerSideEncryption="AES256")
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        self.assertNotIn("SSEKMSKeyId", s3.head_object(Bucket=b, Key="aes"))
        self.need("kms")
        put = s3.put_object(Bucket=b, Key="kms", Body=b"kms", ServerSideEncryption="aws:kms")
        self.assertEqual(put["ServerSideEncryption"], "aws:kms")
        # Without the policy, a plain PUT gets the bucket default: aws:kms with its key and bucket key.
        s3.delete_bucket_policy(Bucket=b)
        put = s3.put_object(Bucket=b, Key="plain", Body=b"plain")
        self.assertEqual((put["ServerSideEncryption"], put["SSEKMSKeyId"], put.get("BucketKeyEnabled")),
                         ("aws:kms", key["Arn"], True))
        self.assertEqual(s3.get_object(Bucket=b, Key="plain")["Body"].read(), b"plain")
        # DeleteBucketEncryption returns the bucket to SSE-S3.
        s3.delete_bucket_encryption(Bucket=b)
        put = s3.put_object(Bucket=b, Key="after", Body=b"after")
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        self.assertNotIn("SSEKMSKeyId", put)


if __name__ == "__main__":
    unittest.main()
