"""SSE-KMS end to end: the S3 process calls the KMS process for the caller (boto3 and the aws CLI).

Covers (AWS-REFERENCE §3, §4): the aws/s3 managed key created on first use, the key ARN echoed for every
form of key id, the encryption context (echoed, enforced by KMS), bucket default aws:kms and back to
AES256, the exam trap (s3:* but no kms:Decrypt -> GET 403 AccessDenied, fixed by the key policy), key
states relayed as KMS.* errors, 20 MiB multipart, copies between modes, S3 Bucket Keys, SigV2 and
anonymous refusals, KMS unreachable -> 503, and nothing secret on disk after SSE-KMS uploads."""
import base64
import hashlib
import json
import os
import sqlite3
import tempfile
import time
import unittest
import urllib.request

import botocore.config
from botocore.exceptions import ClientError

from harness import ACCOUNT_ID, InstanceTestCase
from test_at_rest import find_in_files, forms

BUCKET = "kms-objects"
MIB = 1024 * 1024
DISABLED_TEXT = "{} is disabled."
PENDING_TEXT = "{} is pending deletion."
CONTEXT_TEXT = ("The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string "
                "holding JSON which represents a string-string map")
SIGV4_TEXT = "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4."


def b64json(obj):
    return base64.b64encode(json.dumps(obj).encode()).decode()


def stored_sse(inst, bucket, key):
    """(sse JSON, wrapped_key bytes) of the latest version of bucket/key, read from s3.db."""
    con = sqlite3.connect(f"file:{os.path.join(inst.data_dir, 's3.db')}?mode=ro", uri=True, timeout=10)
    try:
        row = con.execute("SELECT sse, wrapped_key FROM versions WHERE bucket=? AND key=? AND latest=1",
                          (bucket, key)).fetchone()
    finally:
        con.close()
    return json.loads(row[0]), bytes(row[1])


class SseKmsTest(InstanceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.inst.client("s3")
        cls.kms = cls.inst.client("kms")
        cls.s3.create_bucket(Bucket=BUCKET)
        meta = cls.kms.create_key(Description="sse-kms tests")["KeyMetadata"]
        cls.key_id, cls.key_arn = meta["KeyId"], meta["Arn"]
        cls.kms.create_alias(AliasName="alias/sse-tests", TargetKeyId=cls.key_id)

    def new_key(self, alias=None):
        meta = self.kms.create_key()["KeyMetadata"]
        if alias:
            self.kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
        return meta["KeyId"], meta["Arn"]

    # ---- the managed key and the key ARN --------------------------------------------------------
    def test_aws_s3_key_is_created_on_first_use_and_echoed(self):
        put = self.s3.put_object(Bucket=BUCKET, Key="managed.txt", Body=b"managed", ServerSideEncryption="aws:kms")
        self.assertEqual(put["ServerSideEncryption"], "aws:kms")
        # AWS: the ETag of an SSE-KMS object is not the MD5 of its data.
        self.assertRegex(put["ETag"], r'^"[0-9a-f]{32}"$')
        self.assertNotEqual(put["ETag"].strip('"'), hashlib.md5(b"managed").hexdigest())
        arn = put["SSEKMSKeyId"]
        self.assertRegex(arn, rf"^arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/[0-9a-f-]{{36}}$")
        aliases = {a["AliasName"]: a for a in self.kms.list_aliases()["Aliases"]}
        self.assertEqual(aliases["alias/aws/s3"]["TargetKeyId"], arn.split("/")[-1])
        described = self.kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
        self.assertEqual(described["KeyManager"], "AWS")
        self.assertEqual(described["Arn"], arn)
        got = self.s3.get_object(Bucket=BUCKET, Key="managed.txt")
        self.assertEqual(got["Body"].read(), b"managed")
        self.assertEqual((got["ServerSideEncryption"], got["SSEKMSKeyId"]), ("aws:kms", arn))
        head = self.s3.head_object(Bucket=BUCKET, Key="managed.txt")
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]), ("aws:kms", arn))
        self.assertNotIn("BucketKeyEnabled", head)
        # The aws/s3 key policy allows use only via S3: the root calling KMS directly is refused.
        blob = stored_sse(self.inst, BUCKET, "managed.txt")[1]
        self.assertCode(self.kms.decrypt, "AccessDeniedException", CiphertextBlob=blob,
                        EncryptionContext={"aws:s3:arn": f"arn:aws:s3:::{BUCKET}/managed.txt"})

    def test_key_arn_echoed_for_every_form_of_key_id(self):
        alias_arn = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:alias/sse-tests"
        for i, key_id in enumerate([self.key_id, self.key_arn, "alias/sse-tests", alias_arn]):
            put = self.s3.put_object(Bucket=BUCKET, Key=f"form{i}", Body=b"f", ServerSideEncryption="aws:kms",
                                     SSEKMSKeyId=key_id)
            self.assertEqual(put["SSEKMSKeyId"], self.key_arn, key_id)
            self.assertEqual(self.s3.head_object(Bucket=BUCKET, Key=f"form{i}")["SSEKMSKeyId"], self.key_arn)

    def test_cli_put_object_and_cp_with_sse_kms(self):
        rc, out, err = self.inst.aws("s3api", "put-object", "--bucket", BUCKET, "--key", "cli.txt",
                                     "--server-side-encryption", "aws:kms", "--ssekms-key-id", "alias/sse-tests")
        self.assertEqual(rc, 0, err)
        reply = json.loads(out)
        self.assertEqual((reply["ServerSideEncryption"], reply["SSEKMSKeyId"]), ("aws:kms", self.key_arn))
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "small.txt")
            with open(src, "wb") as f:
                f.write(b"small via aws s3 cp")
            rc, out, err = self.inst.aws("s3", "cp", src, f"s3://{BUCKET}/cp-small.txt", "--sse", "aws:kms",
                                         "--sse-kms-key-id", self.key_id)
            self.assertEqual(rc, 0, err)
        head = self.s3.head_object(Bucket=BUCKET, Key="cp-small.txt")
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]), ("aws:kms", self.key_arn))

    def test_dsse_kms_is_echoed_and_round_trips(self):
        put = self.s3.put_object(Bucket=BUCKET, Key="dsse.txt", Body=b"dual layer", ServerSideEncryption="aws:kms:dsse",
                                 SSEKMSKeyId=self.key_id)
        self.assertEqual((put["ServerSideEncryption"], put["SSEKMSKeyId"]), ("aws:kms:dsse", self.key_arn))
        got = self.s3.get_object(Bucket=BUCKET, Key="dsse.txt")
        self.assertEqual((got["Body"].read(), got["ServerSideEncryption"]), (b"dual layer", "aws:kms:dsse"))

    # ---- encryption context ---------------------------------------------------------------------
    def test_context_is_echoed_and_enforced_by_kms(self):
        ctx = b64json({"project": "apollo", "team": "blue"})
        put = self.s3.put_object(Bucket=BUCKET, Key="ctx.txt", Body=b"with context", ServerSideEncryption="aws:kms",
                                 SSEKMSKeyId=self.key_id, SSEKMSEncryptionContext=ctx)
        self.assertEqual(put["SSEKMSEncryptionContext"], ctx)
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="ctx.txt")["Body"].read(), b"with context")
        sse, blob = stored_sse(self.inst, BUCKET, "ctx.txt")
        self.assertEqual(sse.get("ctx"), ctx)
        full = {"project": "apollo", "team": "blue", "aws:s3:arn": f"arn:aws:s3:::{BUCKET}/ctx.txt"}
        plain = self.kms.decrypt(CiphertextBlob=blob, EncryptionContext=full)
        self.assertEqual((len(plain["Plaintext"]), plain["KeyId"]), (32, self.key_arn))
        for other in ({"aws:s3:arn": f"arn:aws:s3:::{BUCKET}/ctx.txt"}, dict(full, team="red"),
                      dict(full, **{"aws:s3:arn": f"arn:aws:s3:::{BUCKET}/other.txt"})):
            self.assertCode(self.kms.decrypt, "InvalidCiphertextException", CiphertextBlob=blob,
                            EncryptionContext=other)

    def test_invalid_context_and_stray_kms_headers(self):
        for bad in ("not-base64!", base64.b64encode(b"[1]").decode(), b64json({"n": 1})):
            resp = self.assertCode(self.s3.put_object, "InvalidArgument", 400, CONTEXT_TEXT, Bucket=BUCKET,
                                   Key="bad", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSEncryptionContext=bad)
            self.assertEqual(resp["Error"]["ArgumentName"], "x-amz-server-side-encryption-context")
        resp = self.assertCode(
            self.s3.put_object, "InvalidArgument", 400,
            "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : "
            "aws:kms", Bucket=BUCKET, Key="bad", Body=b"x", ServerSideEncryption="AES256", SSEKMSKeyId=self.key_id)
        self.assertEqual(resp["Error"]["ArgumentName"], "x-amz-server-side-encryption-aws-kms-key-id")

    # ---- bucket default encryption --------------------------------------------------------------
    def test_bucket_default_aws_kms_then_back_to_aes256(self):
        self.s3.create_bucket(Bucket="kms-default")
        self.s3.put_bucket_encryption(Bucket="kms-default", ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/sse-tests"}}]})
        put = self.s3.put_object(Bucket="kms-default", Key="plain.txt", Body=b"default kms")
        self.assertEqual((put["ServerSideEncryption"], put["SSEKMSKeyId"]), ("aws:kms", self.key_arn))
        # A request header still wins over the default.
        self.assertEqual(self.s3.put_object(Bucket="kms-default", Key="s3.txt", Body=b"x",
                                            ServerSideEncryption="AES256")["ServerSideEncryption"], "AES256")
        self.assertEqual(self.s3.get_object(Bucket="kms-default", Key="plain.txt")["Body"].read(), b"default kms")
        self.s3.delete_bucket_encryption(Bucket="kms-default")
        after = self.s3.put_object(Bucket="kms-default", Key="later.txt", Body=b"x")
        self.assertEqual(after["ServerSideEncryption"], "AES256")
        self.assertNotIn("SSEKMSKeyId", after)
        # Objects written before keep their mode.
        self.assertEqual(self.s3.head_object(Bucket="kms-default", Key="plain.txt")["ServerSideEncryption"], "aws:kms")

    def test_bucket_default_with_a_missing_key_fails_on_upload(self):
        self.s3.create_bucket(Bucket="kms-default-missing")
        self.s3.put_bucket_encryption(Bucket="kms-default-missing", ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/none-such"}}]})
        self.assertCode(self.s3.put_object, "KMS.NotFoundException", 400,
                        f"Alias arn:aws:kms:us-east-1:{ACCOUNT_ID}:alias/none-such is not found.",
                        Bucket="kms-default-missing", Key="x", Body=b"x")

    # ---- key states and unknown keys ------------------------------------------------------------
    def test_unknown_key_is_kms_not_found(self):
        self.assertCode(self.s3.put_object, "KMS.NotFoundException", 400, "Invalid keyId 'nope'", Bucket=BUCKET,
                        Key="x", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId="nope")
        absent = "11111111-2222-3333-4444-555555555555"
        self.assertCode(self.s3.put_object, "KMS.NotFoundException", 400,
                        f"Key 'arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/{absent}' does not exist", Bucket=BUCKET,
                        Key="x", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=absent)

    def test_disabled_key_fails_put_and_get_until_enabled(self):
        key_id, arn = self.new_key()
        self.s3.put_object(Bucket=BUCKET, Key="dis.txt", Body=b"soon disabled", ServerSideEncryption="aws:kms",
                           SSEKMSKeyId=key_id)
        self.kms.disable_key(KeyId=key_id)
        text = DISABLED_TEXT.format(arn)
        self.assertCode(self.s3.get_object, "KMS.DisabledException", 400, text, Bucket=BUCKET, Key="dis.txt")
        self.assertCode(self.s3.put_object, "KMS.DisabledException", 400, text, Bucket=BUCKET, Key="dis2.txt",
                        Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
        # HEAD needs no KMS call.
        self.assertEqual(self.s3.head_object(Bucket=BUCKET, Key="dis.txt")["SSEKMSKeyId"], arn)
        self.kms.enable_key(KeyId=key_id)
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="dis.txt")["Body"].read(), b"soon disabled")

    def test_pending_deletion_is_invalid_state(self):
        key_id, arn = self.new_key()
        self.s3.put_object(Bucket=BUCKET, Key="pend.txt", Body=b"pending", ServerSideEncryption="aws:kms",
                           SSEKMSKeyId=key_id)
        self.kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        text = PENDING_TEXT.format(arn)
        self.assertCode(self.s3.get_object, "KMS.KMSInvalidStateException", 400, text, Bucket=BUCKET, Key="pend.txt")
        self.assertCode(self.s3.put_object, "KMS.KMSInvalidStateException", 400, text, Bucket=BUCKET, Key="p2",
                        Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=arn)
        self.kms.cancel_key_deletion(KeyId=key_id)
        self.kms.enable_key(KeyId=key_id)
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="pend.txt")["Body"].read(), b"pending")

    # ---- the exam trap: s3:* without kms:Decrypt ------------------------------------------------
    def test_user_without_kms_decrypt_can_put_but_not_get(self):
        key_id, arn = self.new_key()
        iam = self.inst.client("iam")
        iam.create_user(UserName="uploader")
        iam.put_user_policy(UserName="uploader", PolicyName="s3-and-gdk", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": arn}]}))
        access = iam.create_access_key(UserName="uploader")["AccessKey"]
        user_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/uploader"
        s3 = self.inst.client("s3", aws_access_key_id=access["AccessKeyId"],
                              aws_secret_access_key=access["SecretAccessKey"])
        put = None
        for _ in range(50):  # a fresh key reaches the identity snapshots of both processes
            try:
                put = s3.put_object(Bucket=BUCKET, Key="trap.txt", Body=b"trap", ServerSideEncryption="aws:kms",
                                    SSEKMSKeyId=arn)
                break
            except ClientError as e:
                if e.response["Error"]["Code"] not in ("InvalidAccessKeyId", "ServiceUnavailable"):
                    raise
                time.sleep(0.1)
        self.assertIsNotNone(put, "the uploader's PUT never succeeded")
        self.assertEqual(put["SSEKMSKeyId"], arn)
        self.assertCode(s3.get_object, "AccessDenied", 403, "Access Denied", Bucket=BUCKET, Key="trap.txt")
        # HEAD is fine: no KMS call.
        self.assertEqual(s3.head_object(Bucket=BUCKET, Key="trap.txt")["ServerSideEncryption"], "aws:kms")
        # Multipart uploads need kms:Decrypt for every part, as on AWS.
        upload = s3.create_multipart_upload(Bucket=BUCKET, Key="trap-mp", ServerSideEncryption="aws:kms",
                                            SSEKMSKeyId=arn)
        self.assertCode(s3.upload_part, "AccessDenied", 403, "Access Denied", Bucket=BUCKET, Key="trap-mp",
                        UploadId=upload["UploadId"], PartNumber=1, Body=b"part")
        # The fix: the key policy grants kms:Decrypt via S3.
        policy = json.loads(self.kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
        policy["Statement"].append({
            "Sid": "AllowUploaderDecryptViaS3", "Effect": "Allow", "Principal": {"AWS": user_arn},
            "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}})
        self.kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))
        self.assertEqual(s3.get_object(Bucket=BUCKET, Key="trap.txt")["Body"].read(), b"trap")
        # ...which does not let the user call KMS directly (kms:ViaService).
        kms_user = self.inst.client("kms", aws_access_key_id=access["AccessKeyId"],
                                    aws_secret_access_key=access["SecretAccessKey"])
        blob = stored_sse(self.inst, BUCKET, "trap.txt")[1]
        self.assertCode(kms_user.decrypt, "AccessDeniedException", CiphertextBlob=blob,
                        EncryptionContext={"aws:s3:arn": f"arn:aws:s3:::{BUCKET}/trap.txt"})

    # ---- SigV2 and anonymous callers ------------------------------------------------------------
    def test_sigv2_presigned_get_of_sse_kms_object_is_refused(self):
        self.s3.put_object(Bucket=BUCKET, Key="presigned.txt", Body=b"p", ServerSideEncryption="aws:kms")
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "presigned.txt"})
        self.assertIn("AWSAccessKeyId=", url)  # boto3's default presign in us-east-1 is SigV2
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(url)
        body = cm.exception.read().decode()
        self.assertEqual(cm.exception.code, 400)
        self.assertIn("<Code>InvalidArgument</Code>", body)
        self.assertIn(f"<Message>{SIGV4_TEXT}</Message>", body)
        self.assertIn("<ArgumentName>Authorization</ArgumentName>", body)
        self.assertIn("<ArgumentValue>null</ArgumentValue>", body)
        v4 = self.inst.client("s3", config=botocore.config.Config(signature_version="s3v4"))
        url4 = v4.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "presigned.txt"})
        self.assertEqual(urllib.request.urlopen(url4).read(), b"p")

    def test_anonymous_get_of_sse_kms_object_is_denied(self):
        self.s3.create_bucket(Bucket="kms-public")
        self.s3.put_bucket_policy(Bucket="kms-public", Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                    "Resource": "arn:aws:s3:::kms-public/*"}]}))
        self.s3.put_object(Bucket="kms-public", Key="open.txt", Body=b"open")
        self.s3.put_object(Bucket="kms-public", Key="kms.txt", Body=b"kms", ServerSideEncryption="aws:kms")
        base = self.inst.endpoint("s3")
        self.assertEqual(urllib.request.urlopen(f"{base}/kms-public/open.txt").read(), b"open")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(f"{base}/kms-public/kms.txt")
        self.assertEqual(cm.exception.code, 403)
        self.assertIn("<Code>AccessDenied</Code>", cm.exception.read().decode())

    # ---- multipart and copies -------------------------------------------------------------------
    def test_20_mib_multipart_round_trip(self):
        data = os.urandom(20 * MIB)
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "big.bin")
            with open(src, "wb") as f:
                f.write(data)
            rc, out, err = self.inst.aws("s3", "cp", src, f"s3://{BUCKET}/big-cli.bin", "--sse", "aws:kms",
                                         "--sse-kms-key-id", self.key_arn)
            self.assertEqual(rc, 0, err)
            back = os.path.join(tmp, "back.bin")
            rc, out, err = self.inst.aws("s3", "cp", f"s3://{BUCKET}/big-cli.bin", back)
            self.assertEqual(rc, 0, err)
            with open(back, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), hashlib.sha256(data).hexdigest())
        head = self.s3.head_object(Bucket=BUCKET, Key="big-cli.bin")
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"], head["ContentLength"]),
                         ("aws:kms", self.key_arn, 20 * MIB))
        self.assertTrue(head["ETag"].endswith('-3"'))
        # Low level with boto3: SSE headers on every response.
        up = self.s3.create_multipart_upload(Bucket=BUCKET, Key="big-api.bin", ServerSideEncryption="aws:kms",
                                             SSEKMSKeyId="alias/sse-tests", BucketKeyEnabled=False)
        self.assertEqual((up["ServerSideEncryption"], up["SSEKMSKeyId"]), ("aws:kms", self.key_arn))
        parts = []
        for n, piece in enumerate([data[:8 * MIB], data[8 * MIB:16 * MIB], data[16 * MIB:]], start=1):
            r = self.s3.upload_part(Bucket=BUCKET, Key="big-api.bin", UploadId=up["UploadId"], PartNumber=n,
                                    Body=piece)
            self.assertEqual((r["ServerSideEncryption"], r["SSEKMSKeyId"]), ("aws:kms", self.key_arn))
            parts.append({"PartNumber": n, "ETag": r["ETag"]})
        done = self.s3.complete_multipart_upload(Bucket=BUCKET, Key="big-api.bin", UploadId=up["UploadId"],
                                                 MultipartUpload={"Parts": parts})
        self.assertEqual((done["ServerSideEncryption"], done["SSEKMSKeyId"]), ("aws:kms", self.key_arn))
        got = self.s3.get_object(Bucket=BUCKET, Key="big-api.bin")["Body"].read()
        self.assertEqual(hashlib.sha256(got).hexdigest(), hashlib.sha256(data).hexdigest())
        ranged = self.s3.get_object(Bucket=BUCKET, Key="big-api.bin", Range="bytes=8388600-8388615")
        self.assertEqual(ranged["Body"].read(), data[8388600:8388616])

    def test_copy_between_modes_does_not_inherit(self):
        self.s3.put_object(Bucket=BUCKET, Key="c0", Body=b"copy chain")
        c1 = self.s3.copy_object(Bucket=BUCKET, Key="c1", CopySource={"Bucket": BUCKET, "Key": "c0"},
                                 ServerSideEncryption="aws:kms", SSEKMSKeyId=self.key_id,
                                 SSEKMSEncryptionContext=b64json({"step": "1"}))
        self.assertEqual((c1["ServerSideEncryption"], c1["SSEKMSKeyId"]), ("aws:kms", self.key_arn))
        self.assertEqual(c1["SSEKMSEncryptionContext"], b64json({"step": "1"}))
        self.assertNotEqual(c1["CopyObjectResult"]["ETag"].strip('"'), hashlib.md5(b"copy chain").hexdigest())
        c2 = self.s3.copy_object(Bucket=BUCKET, Key="c2", CopySource={"Bucket": BUCKET, "Key": "c1"})
        self.assertEqual(c2["CopyObjectResult"]["ETag"].strip('"'), hashlib.md5(b"copy chain").hexdigest())
        self.assertEqual(c2["ServerSideEncryption"], "AES256")  # no header: the bucket default, not the source's
        self.assertNotIn("SSEKMSKeyId", c2)
        for key in ("c1", "c2"):
            self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read(), b"copy chain")
        # Copying onto itself with a new encryption is a change.
        c3 = self.s3.copy_object(Bucket=BUCKET, Key="c2", CopySource={"Bucket": BUCKET, "Key": "c2"},
                                 ServerSideEncryption="aws:kms")
        self.assertEqual(c3["ServerSideEncryption"], "aws:kms")
        # UploadPartCopy from an SSE-KMS source into an SSE-S3 upload.
        up = self.s3.create_multipart_upload(Bucket=BUCKET, Key="c4")
        part = self.s3.upload_part_copy(Bucket=BUCKET, Key="c4", UploadId=up["UploadId"], PartNumber=1,
                                        CopySource={"Bucket": BUCKET, "Key": "c1"})
        self.assertEqual(part["ServerSideEncryption"], "AES256")
        self.s3.complete_multipart_upload(Bucket=BUCKET, Key="c4", UploadId=up["UploadId"], MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="c4")["Body"].read(), b"copy chain")

    # ---- S3 Bucket Keys -------------------------------------------------------------------------
    def test_bucket_keys_echoed_and_round_trip(self):
        put = self.s3.put_object(Bucket=BUCKET, Key="bk.txt", Body=b"bucket key", ServerSideEncryption="aws:kms",
                                 SSEKMSKeyId=self.key_id, BucketKeyEnabled=True)
        self.assertTrue(put["BucketKeyEnabled"])
        got = self.s3.get_object(Bucket=BUCKET, Key="bk.txt")
        self.assertEqual(got["Body"].read(), b"bucket key")
        self.assertTrue(got["BucketKeyEnabled"])
        self.assertTrue(self.s3.head_object(Bucket=BUCKET, Key="bk.txt")["BucketKeyEnabled"])
        self.s3.create_bucket(Bucket="kms-bucket-keys")
        self.s3.put_bucket_encryption(Bucket="kms-bucket-keys", ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self.key_arn},
            "BucketKeyEnabled": True}]})
        data = os.urandom(11 * MIB)
        self.s3.upload_fileobj(__import__("io").BytesIO(data), "kms-bucket-keys", "mp.bin")
        head = self.s3.head_object(Bucket="kms-bucket-keys", Key="mp.bin")
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"], head["BucketKeyEnabled"]),
                         ("aws:kms", self.key_arn, True))
        self.assertEqual(self.s3.get_object(Bucket="kms-bucket-keys", Key="mp.bin")["Body"].read(), data)
        # The stored blob holds a KMS ciphertext made with the *bucket* ARN as context.
        sse, blob = stored_sse(self.inst, "kms-bucket-keys", "mp.bin")
        self.assertTrue(sse.get("bk"))
        self.assertEqual(blob[0], 1)
        kms_blob = blob[3:3 + int.from_bytes(blob[1:3], "big")]
        self.assertEqual(len(self.kms.decrypt(CiphertextBlob=kms_blob, EncryptionContext={
            "aws:s3:arn": "arn:aws:s3:::kms-bucket-keys"})["Plaintext"]), 32)
        self.assertCode(self.kms.decrypt, "InvalidCiphertextException", CiphertextBlob=kms_blob,
                        EncryptionContext={"aws:s3:arn": "arn:aws:s3:::kms-bucket-keys/mp.bin"})


class CrossAccountTest(InstanceTestCase):
    """A writer from another account: aws:kms without a key id (or with an alias) resolves in the
    *writer's* account, so the object lands under the writer's aws/s3 key and the bucket owner cannot
    read it; naming the owner's key ARN (whose key policy lets the writer's account use it) works."""

    def test_other_account_writer_and_the_aws_s3_trap(self):
        other = "444455556666"
        rc, out, err = self.inst.s3lab("account", "add", other)
        if rc != 0:
            self.skipTest(f"s3lab account add failed ({rc}): {err}")
        ak, sk = self.inst.root_credentials(other)
        owner_s3, owner_kms = self.inst.client("s3"), self.inst.client("kms")
        writer = self.inst.client("s3", aws_access_key_id=ak, aws_secret_access_key=sk)
        owner_s3.create_bucket(Bucket="xacct-kms")
        owner_s3.put_bucket_policy(Bucket="xacct-kms", Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"},
                "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::xacct-kms/*"}]}))
        put = None
        for _ in range(50):  # the new account's keys reach both processes' identity snapshots
            try:
                put = writer.put_object(Bucket="xacct-kms", Key="theirs", Body=b"theirs",
                                        ServerSideEncryption="aws:kms")
                break
            except ClientError as e:
                if e.response["Error"]["Code"] not in ("InvalidAccessKeyId", "ServiceUnavailable"):
                    raise
                time.sleep(0.1)
        self.assertIsNotNone(put)
        self.assertRegex(put["SSEKMSKeyId"], rf"^arn:aws:kms:us-east-1:{other}:key/")
        self.assertEqual(writer.get_object(Bucket="xacct-kms", Key="theirs")["Body"].read(), b"theirs")
        self.assertCode(owner_s3.get_object, "AccessDenied", 403, "Access Denied", Bucket="xacct-kms", Key="theirs")
        # The owner's customer key, named by ARN and shared with the writer's account by its key policy.
        meta = owner_kms.create_key()["KeyMetadata"]
        policy = json.loads(owner_kms.get_key_policy(KeyId=meta["KeyId"], PolicyName="default")["Policy"])
        policy["Statement"].append({"Sid": "WriterAccount", "Effect": "Allow",
                                    "Principal": {"AWS": f"arn:aws:iam::{other}:root"},
                                    "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"})
        owner_kms.put_key_policy(KeyId=meta["KeyId"], PolicyName="default", Policy=json.dumps(policy))
        put = writer.put_object(Bucket="xacct-kms", Key="shared", Body=b"shared", ServerSideEncryption="aws:kms",
                                SSEKMSKeyId=meta["Arn"])
        self.assertEqual(put["SSEKMSKeyId"], meta["Arn"])
        self.assertEqual(owner_s3.get_object(Bucket="xacct-kms", Key="shared")["Body"].read(), b"shared")


class BucketKeyCallCountTest(InstanceTestCase):
    """With S3 Bucket Keys, KMS sees one GenerateDataKey and one Decrypt (context: the bucket ARN) for many
    objects; without, one call per object (context: the object ARN). Counted in CloudTrail LookupEvents,
    served by the S3 process."""

    def kms_events(self, name, needle):
        trail = self.inst.client("cloudtrail")
        events, token = [], None
        while True:
            kw = {"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}], "MaxResults": 50}
            if token:
                kw["NextToken"] = token
            page = trail.lookup_events(**kw)
            events += [json.loads(e["CloudTrailEvent"]) for e in page["Events"]]
            token = page.get("NextToken")
            if not token:
                break
        return [e for e in events if e.get("eventSource") == "kms.amazonaws.com" and needle in json.dumps(e)]

    def test_bucket_keys_reduce_kms_calls(self):
        s3 = self.inst.client("s3")
        for bucket, bucket_key in (("bk-off", False), ("bk-on", True)):
            s3.create_bucket(Bucket=bucket)
            for i in range(5):
                s3.put_object(Bucket=bucket, Key=f"o{i}", Body=b"x", ServerSideEncryption="aws:kms",
                              BucketKeyEnabled=bucket_key)
            for i in range(5):
                self.assertEqual(s3.get_object(Bucket=bucket, Key=f"o{i}")["Body"].read(), b"x")
        self.assertEqual(len(self.kms_events("GenerateDataKey", '"arn:aws:s3:::bk-off/')), 5)
        self.assertEqual(len(self.kms_events("Decrypt", '"arn:aws:s3:::bk-off/')), 5)
        self.assertEqual(len(self.kms_events("GenerateDataKey", '"arn:aws:s3:::bk-on"')), 1)
        self.assertEqual(len(self.kms_events("Decrypt", '"arn:aws:s3:::bk-on"')), 1)
        self.assertEqual(self.kms_events("GenerateDataKey", '"arn:aws:s3:::bk-on/'), [])
        # S3 called KMS for the caller: the caller's identity, invoked by S3.
        for e in self.kms_events("Decrypt", '"arn:aws:s3:::bk-'):
            self.assertEqual(e["userIdentity"]["arn"], f"arn:aws:iam::{ACCOUNT_ID}:root")
            self.assertEqual(e["userIdentity"].get("invokedBy"), "s3.amazonaws.com")


class KmsThrottledTest(InstanceTestCase):
    """KMS throttling reaches the S3 caller as AWS S3 answers it: 503 SlowDown "Please reduce your request
    rate for operations involving AWS KMS." (KMS quota of us-west-1: one request per 100 s)."""
    instance_kwargs = {"kms_args": ["--quota", "us-west-1=0.01"]}

    def test_throttled_kms_is_slow_down(self):
        s3 = self.inst.client("s3", region="us-west-1", config=botocore.config.Config(retries={"max_attempts": 1}))
        s3.create_bucket(Bucket="kms-west", CreateBucketConfiguration={"LocationConstraint": "us-west-1"})
        first = s3.put_object(Bucket="kms-west", Key="a", Body=b"a", ServerSideEncryption="aws:kms")
        self.assertRegex(first["SSEKMSKeyId"], rf"^arn:aws:kms:us-west-1:{ACCOUNT_ID}:key/")
        self.assertCode(s3.put_object, "SlowDown", 503,
                        "Please reduce your request rate for operations involving AWS KMS.",
                        Bucket="kms-west", Key="b", Body=b"b", ServerSideEncryption="aws:kms")
        self.assertAlive()


class KmsUnreachableTest(InstanceTestCase):
    def test_kms_down_is_503_not_500(self):
        s3 = self.inst.client("s3", config=botocore.config.Config(retries={"max_attempts": 1}))
        s3.create_bucket(Bucket="kms-down")
        s3.put_object(Bucket="kms-down", Key="k", Body=b"before", ServerSideEncryption="aws:kms")
        self.inst.kms.stop()
        try:
            self.assertCode(s3.put_object, "ServiceUnavailable", 503, Bucket="kms-down", Key="k2", Body=b"x",
                            ServerSideEncryption="aws:kms")
            self.assertCode(s3.get_object, "ServiceUnavailable", 503, Bucket="kms-down", Key="k")
            self.assertEqual(s3.head_object(Bucket="kms-down", Key="k")["ServerSideEncryption"], "aws:kms")
            self.assertEqual(s3.put_object(Bucket="kms-down", Key="s3", Body=b"x")["ServerSideEncryption"], "AES256")
        finally:
            self.inst.kms.start()
        self.assertEqual(s3.get_object(Bucket="kms-down", Key="k")["Body"].read(), b"before")
        self.assertAlive()


class SseKmsAtRestTest(InstanceTestCase):
    """After SSE-KMS uploads (plain, context, bucket keys, multipart) neither the plaintext marker nor any
    plaintext data key or bucket key is in any file of the data dir."""

    def test_no_plaintext_and_no_data_key_on_disk(self):
        import secrets
        s3, kms = self.inst.client("s3"), self.inst.client("kms")
        marker = b"S3LAB-KMS-MARKER-" + secrets.token_hex(12).encode()
        body = (marker + b" lorem ipsum ") * 50
        key_arn = kms.create_key()["KeyMetadata"]["Arn"]
        s3.create_bucket(Bucket="kms-at-rest")
        s3.put_object(Bucket="kms-at-rest", Key="plain", Body=body, ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=key_arn)
        s3.put_object(Bucket="kms-at-rest", Key="ctx", Body=body, ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=key_arn, SSEKMSEncryptionContext=b64json({"a": "b"}))
        s3.put_object(Bucket="kms-at-rest", Key="bk", Body=body, ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=key_arn, BucketKeyEnabled=True)
        s3.upload_fileobj(__import__("io").BytesIO(body * (12 * MIB // len(body))), "kms-at-rest", "mp",
                          ExtraArgs={"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_arn})
        secrets_found = {}
        for key, ctx in (("plain", {}), ("ctx", {"a": "b"}), ("mp", {})):
            blob = stored_sse(self.inst, "kms-at-rest", key)[1]
            ctx = dict(ctx, **{"aws:s3:arn": f"arn:aws:s3:::kms-at-rest/{key}"})
            secrets_found[key] = kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"]
        blob = stored_sse(self.inst, "kms-at-rest", "bk")[1]
        bk_blob = blob[3:3 + int.from_bytes(blob[1:3], "big")]
        secrets_found["bucket key"] = kms.decrypt(CiphertextBlob=bk_blob, EncryptionContext={
            "aws:s3:arn": "arn:aws:s3:::kms-at-rest"})["Plaintext"]
        self.assertEqual(s3.get_object(Bucket="kms-at-rest", Key="bk")["Body"].read(), body)
        self.inst.stop()  # checkpoint WAL files too
        try:
            files = self.inst.data_files()
            self.assertTrue(any(f.endswith("s3.db") for f in files))
            for what, secret in [("marker", marker)] + list(secrets_found.items()):
                if what != "marker":
                    self.assertEqual(len(secret), 32, what)
                hits = find_in_files(files, forms(secret))
                self.assertEqual(hits, [], f"{what} found on disk")
        finally:
            self.inst.start_services()


if __name__ == "__main__":
    unittest.main()
