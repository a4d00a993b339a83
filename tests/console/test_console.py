"""Browser tests of the s3lab console (web/ served by s3lab-s3 on the console port) and its JSON API.

One fresh instance with the console on (tests/integration/harness.py Instance(console=True)). The
class setup makes what the pages show, with real clients: an IAM user `alice` allowed only
kms:GenerateDataKey (and S3), GenerateDataKey calls by alice and by root, a Decrypt by alice that KMS
denies, and a bucket with an SSE-S3, an SSE-KMS (`aws s3 cp --sse aws:kms`, with a Bucket Key) and an
SSE-C object. Each browser test runs one node script (tests/console/*.mjs: playwright-core from
web/node_modules driving Debian's /usr/bin/chromium, headless) that opens a page, drives it like a
person and asserts on the DOM; the expected values come from here in S3LAB_CONSOLE_TEST (JSON).
Screenshots go to a kept directory printed on stderr (`screenshots: DIR`).

Run: python3 -m unittest discover -s tests/console -p 'test_*.py' -v   (tests/run.sh section "console")
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("S3LAB_WEB_DIR", os.path.join(ROOT, "web"))

from harness import ACCOUNT_ID, Instance, InstanceTestCase  # noqa: E402

NODE = shutil.which("node")
CHROMIUM = os.environ.get("S3LAB_CHROMIUM", "/usr/bin/chromium")
PLAYWRIGHT = os.path.join(ROOT, "web", "node_modules", "playwright-core")
SHOTS = tempfile.mkdtemp(prefix="s3lab-console-shots-")
sys.stderr.write(f"screenshots: {SHOTS}\n")

USER = "alice"
ALICE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    ],
}


def missing_tools():
    missing = []
    if not NODE:
        missing.append("node (Debian package nodejs)")
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    if not os.path.isdir(PLAYWRIGHT):
        missing.append("web/node_modules/playwright-core (npm ci in web/)")
    return missing


class ConsoleTest(InstanceTestCase):
    instance_kwargs = {"console": True}

    @classmethod
    def setUpClass(cls):
        missing = missing_tools()
        if missing:
            raise RuntimeError("console tests need " + ", ".join(missing) + " (./s3lab test installs them)")
        super().setUpClass()
        inst = cls.inst
        cls.url = f"http://127.0.0.1:{inst.console_port}"
        iam = inst.client("iam")
        iam.create_user(UserName=USER)
        iam.put_user_policy(UserName=USER, PolicyName="kms-and-s3", PolicyDocument=json.dumps(ALICE_POLICY))
        key = iam.create_access_key(UserName=USER)["AccessKey"]
        cls.alice = {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}

        kms_root = inst.client("kms")
        cls.key_arn = kms_root.create_key(Description="console test")["KeyMetadata"]["Arn"]
        cls.root_gdk, cls.user_gdk = 2, 3
        for _ in range(cls.root_gdk):
            kms_root.generate_data_key(KeyId=cls.key_arn, KeySpec="AES_256")
        kms_alice = inst.client("kms", **cls.alice)
        blob = None
        for _ in range(cls.user_gdk):
            blob = kms_alice.generate_data_key(KeyId=cls.key_arn, KeySpec="AES_256")["CiphertextBlob"]
        try:
            kms_alice.decrypt(CiphertextBlob=blob)
            raise AssertionError("alice's Decrypt should be denied")
        except kms_alice.exceptions.ClientError as e:
            assert e.response["Error"]["Code"] == "AccessDeniedException", e.response

        cls.bucket = "console-objects"
        s3 = inst.client("s3")
        s3.create_bucket(Bucket=cls.bucket)
        s3.put_object(Bucket=cls.bucket, Key="plain.txt", Body=b"sse-s3 by default\n")
        inst.client("s3", https=True).put_object(  # SSE-C only over HTTPS, as on AWS
            Bucket=cls.bucket, Key="customer.bin", Body=b"sse-c\n", SSECustomerAlgorithm="AES256",
            SSECustomerKey=os.urandom(32))
        # SSE-KMS through the aws CLI as alice: S3 calls GenerateDataKey for her (invokedBy s3).
        src = os.path.join(inst.tmp, "kms.txt")
        with open(src, "w") as f:
            f.write("sse-kms\n")
        rc, out, err = inst.aws("s3", "cp", src, f"s3://{cls.bucket}/kms.txt", "--sse", "aws:kms",
                                "--sse-kms-key-id", cls.key_arn,
                                env=inst.env(access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"]))
        assert rc == 0, f"aws s3 cp --sse aws:kms failed ({rc}): {out}{err}"
        cls.objects = [
            {"key": "plain.txt", "mode": "SSE-S3"},
            {"key": "customer.bin", "mode": "SSE-C"},
            {"key": "kms.txt", "mode": "SSE-KMS", "kmsKeyArn": cls.key_arn, "bucketKey": False},
        ]
        # A versioned bucket whose default is SSE-KMS with an S3 Bucket Key: two versions of one key.
        cls.bk_bucket = "console-bucket-key"
        s3.create_bucket(Bucket=cls.bk_bucket)
        s3.put_bucket_versioning(Bucket=cls.bk_bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_encryption(Bucket=cls.bk_bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": cls.key_arn},
            "BucketKeyEnabled": True}]})
        cls.bk_versions = [s3.put_object(Bucket=cls.bk_bucket, Key="report.csv", Body=body)["VersionId"]
                           for body in (b"v1\n", b"v2\n")]

    # ---- helpers -----------------------------------------------------------------------------------
    def node(self, script, params, wait_for=None, during=None, timeout=240):
        """Runs tests/console/<script> with params; when wait_for is a line the script prints, calls
        during() once it appears (the script keeps running). Fails with the script's output."""
        env = dict(os.environ, S3LAB_CONSOLE_TEST=json.dumps(dict(params, url=self.url, shots=SHOTS)))
        proc = subprocess.Popen([NODE, os.path.join(HERE, script)], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
        lines = []
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            for line in proc.stdout:
                lines.append(line)
                sys.stderr.write(f"  [{script}] {line}")
                if wait_for and line.strip() == wait_for and during:
                    during()
            rc = proc.wait()
        finally:
            timer.cancel()
            proc.stdout.close()
        self.assertEqual(rc, 0, f"{script} failed:\n{''.join(lines)}")
        return "".join(lines)

    def get(self, path, host=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.inst.console_port, timeout=30)
        try:
            conn.request("GET", path, headers={"Host": host} if host else {})
            r = conn.getresponse()
            return r.status, r.getheader("Content-Type"), r.read()
        finally:
            conn.close()

    # ---- browser tests -----------------------------------------------------------------------------
    def test_trail_page_filters_to_generate_data_key_explains_a_denial_and_updates_live(self):
        kms = self.inst.client("kms")
        out = self.node("trail.mjs", {"keyArn": self.key_arn, "user": USER, "userGdk": self.user_gdk,
                                      "rootGdk": self.root_gdk, "sseKms": True, "region": self.inst.region},
                        wait_for="live-wait", during=lambda: kms.generate_random(NumberOfBytes=16))
        self.assertIn("screenshot: ", out)

    def test_kms_page_draws_quota_line_and_throttles_during_a_burst(self):
        load_result = {}

        def burst():
            rc, out, err = self.inst.s3lab("load", "kms", "GenerateDataKey", "--region", "us-west-1",
                                           "--rate", "8000", "--seconds", "6", timeout=120)
            load_result.update(rc=rc, out=out, err=err)
            sys.stderr.write(out)

        self.node("kms.mjs", {"region": "us-west-1", "quota": 5500}, wait_for="page-open", during=burst)
        self.assertEqual(load_result.get("rc"), 0, load_result)

    def test_buckets_page_shows_each_version_with_its_encryption(self):
        self.node("buckets.mjs", {"bucket": self.bucket, "objects": self.objects})

    def test_buckets_page_shows_versions_with_a_bucket_key(self):
        objects = [{"key": "report.csv", "versionId": v, "mode": "SSE-KMS", "kmsKeyArn": self.key_arn,
                    "bucketKey": True} for v in self.bk_versions]
        self.node("buckets.mjs", {"bucket": self.bk_bucket, "objects": objects, "shot": "buckets-bucket-key",
                                  "defaultEncryption": "SSE-KMS (aws:kms)", "versioning": "Enabled"})

    # ---- the JSON API ------------------------------------------------------------------------------
    def test_api_trail_filters_combine(self):
        status, ctype, body = self.get(f"/api/trail?source=kms&event=Decrypt&error=*&principal={USER}")
        self.assertEqual((status, ctype), (200, "application/json"))
        records = json.loads(body)["records"]
        self.assertEqual([(r["eventName"], r["errorCode"], r["username"]) for r in records],
                         [("Decrypt", "AccessDeniedException", USER)])
        self.assertEqual(records[0]["record"]["userIdentity"]["arn"], f"arn:aws:iam::{ACCOUNT_ID}:user/{USER}")
        # Paging: alice made user_gdk GenerateDataKey calls and S3 one more for her SSE-KMS upload.
        status, _, body = self.get(f"/api/trail?event=GenerateDataKey&principal={USER}&limit=2")
        page = json.loads(body)
        self.assertEqual(len(page["records"]), 2)
        status, _, body = self.get(f"/api/trail?event=GenerateDataKey&principal={USER}&before={page['next']}")
        older = json.loads(body)
        self.assertEqual(len(page["records"]) + len(older["records"]), self.user_gdk + 1)
        self.assertIsNone(older["next"])
        self.assertFalse({r["id"] for r in older["records"]} & {r["id"] for r in page["records"]})
        self.assertEqual([r["invokedBy"] for r in page["records"] + older["records"]].count("s3.amazonaws.com"), 1)
        status, _, body = self.get("/api/trail?start=not-a-time")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["error"]["code"], "InvalidParameter")

    def test_api_buckets_never_returns_key_material(self):
        status, _, body = self.get(f"/api/buckets/{self.bucket}/versions")
        self.assertEqual(status, 200)
        versions = {v["key"]: v for v in json.loads(body)["versions"]}
        self.assertEqual(versions["kms.txt"]["encryption"],
                         {"mode": "SSE-KMS", "serverSideEncryption": "aws:kms", "kmsKeyArn": self.key_arn,
                          "bucketKeyEnabled": False})
        self.assertEqual(versions["customer.bin"]["encryption"]["mode"], "SSE-C")
        for word in (b"wrapped", b"hmac", b"salt", b"md5"):
            self.assertNotIn(word, body.lower())
        status, _, body = self.get("/api/buckets/no-such-bucket/versions")
        self.assertEqual((status, json.loads(body)["error"]["code"]), (404, "NoSuchBucket"))

    def test_console_refuses_a_non_loopback_host(self):
        status, _, body = self.get("/api/buckets", host="attacker.example:4500")
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(body)["error"]["code"], "Forbidden")
        status, _, _ = self.get("/", host="localhost")
        self.assertEqual(status, 200)


class ConsoleWithoutKmsTest(unittest.TestCase):
    def test_kms_rates_answers_an_error_when_kms_is_down(self):
        with Instance(console=True, start_kms=False, tls=False) as inst:
            conn = http.client.HTTPConnection("127.0.0.1", inst.console_port, timeout=30)
            conn.request("GET", "/api/kms/rates")
            r = conn.getresponse()
            body = json.loads(r.read())
            conn.close()
            self.assertEqual(r.status, 502)
            self.assertEqual(body["error"]["code"], "KmsUnreachable")
            self.assertIn(f"127.0.0.1:{inst.kms_port}", body["error"]["message"])


if __name__ == "__main__":
    unittest.main()
