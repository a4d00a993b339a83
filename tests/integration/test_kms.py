"""KMS against the real s3lab-kms process, driven by boto3 and the aws CLI (v1) with default settings,
over HTTP and HTTPS (AWS_CA_BUNDLE = the lab CA). One instance per test class (harness.Instance)."""
import base64
import json
import os
import subprocess
import unittest

import harness

ACCOUNT = harness.ACCOUNT_ID
REGION = harness.REGION
MAKE_IDENTITY = os.path.join(harness.BUILD, "tests", "kms", "kms_make_identity")


def error_of(ctx):
    err = ctx.exception.response["Error"]
    return err["Code"], err.get("Message", ""), ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"]


class KmsBoto3Test(harness.InstanceTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kms = cls.inst.client("kms")
        cls.kms_tls = cls.inst.client("kms", https=True)

    def new_key(self, **kwargs):
        return self.kms.create_key(**kwargs)["KeyMetadata"]["KeyId"]

    def arn(self, key_id, region=REGION):
        return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"

    def test_create_key_returns_symmetric_customer_key(self):
        meta = self.kms.create_key(Description="demo")["KeyMetadata"]
        self.assertEqual(meta["AWSAccountId"], ACCOUNT)
        self.assertEqual(meta["Arn"], self.arn(meta["KeyId"]))
        self.assertEqual(meta["KeyState"], "Enabled")
        self.assertTrue(meta["Enabled"])
        self.assertEqual(meta["KeySpec"], "SYMMETRIC_DEFAULT")
        self.assertEqual(meta["KeyUsage"], "ENCRYPT_DECRYPT")
        self.assertEqual(meta["KeyManager"], "CUSTOMER")
        self.assertEqual(meta["EncryptionAlgorithms"], ["SYMMETRIC_DEFAULT"])
        keys = [k["KeyId"] for k in self.kms.list_keys()["Keys"]]
        self.assertIn(meta["KeyId"], keys)
        by_arn = self.kms.describe_key(KeyId=meta["Arn"])["KeyMetadata"]
        self.assertEqual(by_arn["Description"], "demo")
        self.assertIn("x-amzn-requestid", self.kms.describe_key(KeyId=meta["KeyId"])["ResponseMetadata"]["HTTPHeaders"])

    def test_generate_data_key_over_http_and_https(self):
        key_id = self.new_key()
        for client in (self.kms, self.kms_tls):
            out = client.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"bucket": "notes"})
            self.assertEqual(len(out["Plaintext"]), 32)
            self.assertEqual(out["KeyId"], self.arn(key_id))
            self.assertTrue(base64.b64encode(out["CiphertextBlob"]).startswith(b"AQICAH"))
            back = client.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"bucket": "notes"})
            self.assertEqual(back["Plaintext"], out["Plaintext"])
            self.assertEqual(back["KeyId"], self.arn(key_id))
        without = self.kms.generate_data_key_without_plaintext(KeyId=key_id, NumberOfBytes=16)
        self.assertNotIn("Plaintext", without)
        self.assertEqual(len(self.kms.decrypt(CiphertextBlob=without["CiphertextBlob"])["Plaintext"]), 16)

    def test_encrypt_decrypt_round_trip_with_context(self):
        key_id = self.new_key()
        ctx = {"purpose": "exam", "team": "blue"}
        blob = self.kms.encrypt(KeyId=key_id, Plaintext=b"hello kms", EncryptionContext=ctx)["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"], b"hello kms")
        for wrong in ({}, {"purpose": "exam"}, {"purpose": "exam", "team": "Blue"}):
            with self.assertRaises(self.kms.exceptions.InvalidCiphertextException) as ctx_err:
                self.kms.decrypt(CiphertextBlob=blob, EncryptionContext=wrong)
            self.assertEqual(error_of(ctx_err), ("InvalidCiphertextException", "", 400))
        other = self.new_key()
        with self.assertRaises(self.kms.exceptions.IncorrectKeyException):
            self.kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx, KeyId=other)
        moved = self.kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=ctx, DestinationKeyId=other)
        self.assertEqual(moved["KeyId"], self.arn(other))
        self.assertEqual(self.kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"], b"hello kms")

    def test_disabled_key_refuses_crypto_with_exact_text(self):
        key_id = self.new_key()
        self.kms.disable_key(KeyId=key_id)
        with self.assertRaises(self.kms.exceptions.DisabledException) as ctx:
            self.kms.encrypt(KeyId=key_id, Plaintext=b"x")
        self.assertEqual(error_of(ctx), ("DisabledException", f"{self.arn(key_id)} is disabled.", 400))
        self.kms.enable_key(KeyId=key_id)
        self.kms.encrypt(KeyId=key_id, Plaintext=b"x")

    def test_schedule_and_cancel_deletion(self):
        key_id = self.new_key()
        with self.assertRaises(self.kms.exceptions.ClientError) as ctx:
            self.kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=6)
        self.assertEqual(error_of(ctx),
                         ("ValidationException", "PendingWindowInDays should be between 7 and 30, but it is 6", 400))
        out = self.kms.schedule_key_deletion(KeyId=key_id)
        self.assertEqual(out["KeyState"], "PendingDeletion")
        self.assertEqual(out["PendingWindowInDays"], 30)
        self.assertEqual(out["KeyId"], self.arn(key_id))
        with self.assertRaises(self.kms.exceptions.KMSInvalidStateException) as ctx:
            self.kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
        self.assertEqual(error_of(ctx)[1], f"{self.arn(key_id)} is pending deletion.")
        self.kms.cancel_key_deletion(KeyId=key_id)
        self.assertEqual(self.kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"], "Disabled")

    @unittest.skipUnless(os.access(harness.CLI_BIN, os.X_OK), "s3lab CLI (clock) not built")
    def test_deletion_happens_when_the_lab_clock_passes_the_date(self):
        key_id = self.new_key()
        self.kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        self.inst.clock("+8d")
        with self.assertRaises(self.kms.exceptions.NotFoundException) as ctx:
            self.kms.describe_key(KeyId=key_id)
        self.assertEqual(error_of(ctx)[1], f"Key '{self.arn(key_id)}' does not exist")

    def test_aliases(self):
        key_id = self.new_key()
        self.kms.create_alias(AliasName="alias/exam-app", TargetKeyId=key_id)
        self.assertEqual(self.kms.encrypt(KeyId="alias/exam-app", Plaintext=b"a")["KeyId"], self.arn(key_id))
        with self.assertRaises(self.kms.exceptions.AlreadyExistsException) as ctx:
            self.kms.create_alias(AliasName="alias/exam-app", TargetKeyId=key_id)
        self.assertEqual(error_of(ctx)[1],
                         f"An alias with the name arn:aws:kms:{REGION}:{ACCOUNT}:alias/exam-app already exists")
        with self.assertRaises(self.kms.exceptions.ClientError) as ctx:
            self.kms.create_alias(AliasName="exam-app", TargetKeyId=key_id)
        self.assertEqual(error_of(ctx)[0], "ValidationException")
        self.assertTrue(error_of(ctx)[1].startswith('Alias must start with the prefix "alias/".'))
        names = {a["AliasName"]: a for a in self.kms.list_aliases()["Aliases"]}
        self.assertEqual(names["alias/exam-app"]["TargetKeyId"], key_id)
        self.assertIn("alias/aws/s3", names)
        with self.assertRaises(self.kms.exceptions.NotFoundException) as ctx:
            self.kms.encrypt(KeyId="alias/nope", Plaintext=b"a")
        self.assertEqual(error_of(ctx)[1], f"Alias arn:aws:kms:{REGION}:{ACCOUNT}:alias/nope is not found.")
        self.kms.delete_alias(AliasName="alias/exam-app")

    def test_aws_managed_key_is_created_by_describe_and_usable_only_via_the_service(self):
        meta = self.kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
        self.assertEqual(meta["KeyManager"], "AWS")
        with self.assertRaises(self.kms.exceptions.ClientError) as ctx:
            self.kms.generate_data_key(KeyId="alias/aws/s3", KeySpec="AES_256")
        self.assertEqual(error_of(ctx)[0], "AccessDeniedException")

    def test_wrong_region_arn_and_invalid_ids(self):
        key_id = self.new_key()
        with self.assertRaises(self.kms.exceptions.NotFoundException) as ctx:
            self.kms.describe_key(KeyId=self.arn(key_id, "eu-west-1"))
        self.assertEqual(error_of(ctx), ("NotFoundException", "Invalid arn eu-west-1", 400))
        other_region = self.inst.client("kms", region="eu-west-1")
        with self.assertRaises(other_region.exceptions.NotFoundException) as ctx:
            other_region.describe_key(KeyId=key_id)
        self.assertEqual(error_of(ctx)[1], f"Key '{self.arn(key_id, 'eu-west-1')}' does not exist")
        with self.assertRaises(self.kms.exceptions.NotFoundException) as ctx:
            self.kms.describe_key(KeyId="fake-key-id")
        self.assertEqual(error_of(ctx)[1], "Invalid keyId 'fake-key-id'")

    def test_generate_random_and_validation_texts(self):
        self.assertEqual(len(self.kms.generate_random(NumberOfBytes=24)["Plaintext"]), 24)
        with self.assertRaises(self.kms.exceptions.ClientError) as ctx:
            self.kms.generate_random(NumberOfBytes=1025)
        self.assertEqual(error_of(ctx)[1], "1 validation error detected: Value '1025' at 'numberOfBytes' failed to "
                                           "satisfy constraint: Member must have value less than or equal to 1024")

    def test_bad_credentials(self):
        ak, _ = self.inst.root_credentials()
        bad = self.inst.client("kms", aws_access_key_id=ak, aws_secret_access_key="wrong")
        with self.assertRaises(bad.exceptions.ClientError) as ctx:
            bad.list_keys()
        self.assertEqual(error_of(ctx)[0], "InvalidSignatureException")
        unknown = self.inst.client("kms", aws_access_key_id="AKIAUNKNOWNUNKNOWN00", aws_secret_access_key="x")
        with self.assertRaises(unknown.exceptions.ClientError) as ctx:
            unknown.list_keys()
        self.assertEqual(error_of(ctx), ("UnrecognizedClientException",
                                         "The security token included in the request is invalid.", 400))

    def test_restart_keeps_keys_and_ciphertexts(self):
        key_id = self.new_key()
        blob = self.kms.encrypt(KeyId=key_id, Plaintext=b"durable")["CiphertextBlob"]
        self.inst.restart()
        kms = self.inst.client("kms")
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"durable")
        with open(os.path.join(self.inst.data_dir, "kms.db"), "rb") as f:
            self.assertNotIn(b"durable", f.read())


class KmsIamUserTest(harness.InstanceTestCase):
    """An IAM user is limited by its identity policies through the default key policy."""

    def make_user(self, name, policy=None):
        iam = self.inst.client("iam")
        try:
            iam.create_user(UserName=name)
            if policy:
                iam.put_user_policy(UserName=name, PolicyName="kms", PolicyDocument=json.dumps(policy))
            key = iam.create_access_key(UserName=name)["AccessKey"]
            return key["AccessKeyId"], key["SecretAccessKey"]
        except Exception:  # IAM API not available: write iam.db with the test helper
            args = [MAKE_IDENTITY, self.inst.data_dir, "--user", name]
            if policy:
                args += ["--policy", json.dumps(policy)]
            out = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
            return out["access_key_id"], out["secret_access_key"]

    def test_user_without_kms_permission_is_denied(self):
        key_id = self.inst.client("kms").create_key()["KeyMetadata"]["KeyId"]
        ak, sk = self.make_user("nokms")
        kms = self.inst.client("kms", aws_access_key_id=ak, aws_secret_access_key=sk)
        with self.assertRaises(kms.exceptions.ClientError) as ctx:
            kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
        self.assertEqual(error_of(ctx), (
            "AccessDeniedException",
            f"User: arn:aws:iam::{ACCOUNT}:user/nokms is not authorized to perform: kms:GenerateDataKey on "
            f"resource: arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id} because no identity-based policy allows the "
            "kms:GenerateDataKey action", 400))

    def test_user_with_a_policy_can_use_the_key(self):
        key_id = self.inst.client("kms").create_key()["KeyMetadata"]["KeyId"]
        policy = {"Version": "2012-10-17",
                  "Statement": [{"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                                 "Resource": "*"}]}
        ak, sk = self.make_user("kmsuser", policy)
        kms = self.inst.client("kms", aws_access_key_id=ak, aws_secret_access_key=sk)
        out = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
        self.assertEqual(kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"], out["Plaintext"])
        with self.assertRaises(kms.exceptions.ClientError) as ctx:
            kms.create_key()
        self.assertEqual(error_of(ctx)[0], "AccessDeniedException")


def service_credentials(data_dir, service="s3"):
    """The credential an AWS service of this data dir signs with (kms/protocol/service_callers.h):
    HKDF-SHA256(master.key, info="s3lab/service-credentials/<service>"), hex."""
    import hashlib
    import hmac
    with open(os.path.join(data_dir, "master.key"), "rb") as f:
        master = f.read()
    prk = hmac.new(b"\0" * 32, master, hashlib.sha256).digest()
    okm = hmac.new(prk, f"s3lab/service-credentials/{service}".encode() + b"\x01", hashlib.sha256).digest()
    return "S3LABSVC" + service.upper(), okm.hex()


class KmsServiceCallerTest(harness.InstanceTestCase):
    """An AWS service (S3 in the next issue) calls KMS for a principal: kms:ViaService applies."""

    def test_service_caller_uses_the_aws_managed_key_for_the_principal(self):
        ak, sk = service_credentials(self.inst.data_dir)
        root_ak, _ = self.inst.root_credentials()
        kms = self.inst.client("kms", aws_access_key_id=ak, aws_secret_access_key=sk)

        def add_caller(request, **_):
            request.headers["x-s3lab-caller-access-key-id"] = root_ak
        kms.meta.events.register("before-sign.kms.*", add_caller)
        out = kms.generate_data_key(KeyId="alias/aws/s3", KeySpec="AES_256",
                                    EncryptionContext={"aws:s3:arn": "arn:aws:s3:::notes/k"})
        self.assertEqual(len(out["Plaintext"]), 32)
        meta = self.inst.client("kms").describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
        self.assertEqual(meta["KeyManager"], "AWS")
        self.assertEqual(out["KeyId"], meta["Arn"])
        # Without a named caller the service credential alone is refused.
        bare = self.inst.client("kms", aws_access_key_id=ak, aws_secret_access_key=sk)
        with self.assertRaises(bare.exceptions.ClientError) as ctx:
            bare.list_keys()
        self.assertEqual(error_of(ctx)[0], "UnrecognizedClientException")


class KmsCliTest(harness.InstanceTestCase):
    """The aws CLI exactly as a learner types it, over HTTP and HTTPS."""

    def run_ok(self, *args, https=False):
        rc, out, err = self.inst.aws("kms", *args, https=https)
        self.assertEqual(rc, 0, err)
        return json.loads(out) if out.strip() else None

    def test_cli_create_key_generate_data_key_encrypt_decrypt(self):
        # aws CLI v1 sends a --plaintext string as its raw bytes (no cli_binary_format as in v2).
        for https in (False, True):
            key_id = self.run_ok("create-key", https=https)["KeyMetadata"]["KeyId"]
            gdk = self.run_ok("generate-data-key", "--key-id", key_id, "--key-spec", "AES_256", https=https)
            self.assertEqual(len(base64.b64decode(gdk["Plaintext"])), 32)
            enc = self.run_ok("encrypt", "--key-id", key_id, "--plaintext", "cli text",
                              "--encryption-context", "app=lab", https=https)
            blob_path = os.path.join(self.inst.tmp, "blob.bin")
            with open(blob_path, "wb") as f:
                f.write(base64.b64decode(enc["CiphertextBlob"]))
            dec = self.run_ok("decrypt", "--ciphertext-blob", f"fileb://{blob_path}", "--encryption-context",
                              "app=lab", https=https)
            self.assertEqual(base64.b64decode(dec["Plaintext"]), b"cli text")

    def test_cli_disabled_key_error_text(self):
        key_id = self.run_ok("create-key")["KeyMetadata"]["KeyId"]
        self.run_ok("disable-key", "--key-id", key_id)
        rc, _, err = self.inst.aws("kms", "generate-data-key", "--key-id", key_id, "--key-spec", "AES_256")
        self.assertNotEqual(rc, 0)
        self.assertIn(f"An error occurred (DisabledException) when calling the GenerateDataKey operation: "
                      f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id} is disabled.", err)


if __name__ == "__main__":
    unittest.main()
