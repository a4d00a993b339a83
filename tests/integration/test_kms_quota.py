"""KMS request quotas against the real s3lab-kms process (boto3 and the aws CLI with default settings,
so their automatic retries of ThrottlingException happen too). us-west-1 gets a quota of one request
per 100 s (--quota us-west-1=0.01: the bucket holds one request; sa-east-1 the same for the CLI test), so the second cryptographic call is
throttled whatever the machine's speed; us-east-1 keeps the exam profile's 30,000/s. Rates themselves
are measured in bench/, never timed here."""
import json
import unittest
import urllib.request

import botocore.config
import botocore.exceptions

import harness

THROTTLED = "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."


class KmsQuotaTest(harness.InstanceTestCase):
    instance_kwargs = {"kms_args": ["--quota", "us-west-1=0.01", "--quota", "sa-east-1=0.01",
                                    "--quota", "ca-central-1=50"]}

    def test_second_call_in_a_spent_region_is_throttled_with_aws_text(self):
        kms = self.inst.client("kms", region="us-west-1")
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.generate_data_key(KeyId=key, KeySpec="AES_256")["CiphertextBlob"]
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            kms.generate_data_key(KeyId=key, KeySpec="AES_256")
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "ThrottlingException")
        self.assertEqual(err["Message"], THROTTLED)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        # The quota covers only the cryptographic operations: key management still works.
        self.assertEqual(kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"], "Enabled")
        # Every symmetric cryptographic operation shares the bucket (no retries: only the code matters).
        once = self.inst.client("kms", region="us-west-1", config=botocore.config.Config(retries={"max_attempts": 1}))
        for call in (lambda: once.encrypt(KeyId=key, Plaintext=b"x"),
                     lambda: once.generate_random(NumberOfBytes=16),
                     lambda: once.decrypt(CiphertextBlob=blob)):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                call()
            self.assertEqual(ctx.exception.response["Error"]["Code"], "ThrottlingException")

    def test_aws_cli_reports_throttling_after_its_retries(self):
        env = self.inst.env(AWS_DEFAULT_REGION="sa-east-1")
        rc, _, err = self.inst.aws("kms", "generate-random", "--number-of-bytes", "8", env=env)
        self.assertEqual(rc, 0, err)
        rc, _, err = self.inst.aws("kms", "generate-random", "--number-of-bytes", "8", env=env)
        self.assertEqual(rc, 255, err)
        self.assertIn("An error occurred (ThrottlingException) when calling the GenerateRandom operation", err)
        self.assertIn(THROTTLED, err)

    def test_other_regions_keep_their_quota(self):
        kms = self.inst.client("kms", region="us-east-1")
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        for _ in range(50):
            kms.generate_data_key(KeyId=key, KeySpec="AES_256")


    def load(self, region, rate, seconds):
        rc, out, err = self.inst.s3lab("load", "kms", "GenerateDataKey", "--region", region, "--rate", str(rate),
                                       "--seconds", str(seconds))
        self.assertEqual(rc, 0, out + err)
        total = [line for line in out.splitlines() if line.startswith(" total")]
        self.assertEqual(len(total), 1, out)
        offered, accepted, throttled, failed = (int(x) for x in total[0].split()[1:])
        return offered, accepted, throttled, failed, out

    def test_load_command_counts_every_request_as_accepted_or_throttled(self):
        # 100 req/s against a 50 req/s quota: some are throttled, none lost or failed.
        offered, accepted, throttled, failed, out = self.load("ca-central-1", 100, 3)
        self.assertEqual(offered, 300, out)
        self.assertEqual(accepted + throttled, 300, out)
        self.assertEqual(failed, 0, out)
        self.assertGreater(throttled, 0, out)
        self.assertGreaterEqual(accepted, 50, out)  # at least the one-second burst
        self.assertIn("second    offered   accepted  throttled     failed", out)
        # The service's own per-second counts (the console's chart) agree with the load generator.
        with urllib.request.urlopen(f"{self.inst.endpoint('kms')}/_s3lab/quota-stats") as r:
            stats = json.load(r)
        self.assertEqual(stats["profile"], "exam")
        region = [x for x in stats["regions"] if x["region"] == "ca-central-1"]
        self.assertEqual(len(region), 1, stats)
        self.assertEqual(region[0]["rate"], 50)
        self.assertEqual(region[0]["account"], harness.ACCOUNT_ID)
        self.assertEqual(sum(s["accepted"] for s in region[0]["seconds"]), accepted)
        self.assertEqual(sum(s["throttled"] for s in region[0]["seconds"]), throttled)
        # The same load in a 30,000 region is never throttled.
        offered, accepted, throttled, failed, out = self.load("us-east-1", 100, 2)
        self.assertEqual((offered, accepted, throttled, failed), (200, 200, 0, 0), out)


if __name__ == "__main__":
    unittest.main()
