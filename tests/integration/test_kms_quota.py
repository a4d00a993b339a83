"""KMS request quotas against the real s3lab-kms process (boto3 and the aws CLI with default settings,
so their automatic retries of ThrottlingException happen too). us-west-1 gets a quota of one request
per 100 s (--quota us-west-1=0.01: the bucket holds one request; sa-east-1 the same for the CLI test), so the second cryptographic call is
throttled whatever the machine's speed; us-east-1 keeps the exam profile's 30,000/s. Rates themselves
are measured in bench/, never timed here."""
import unittest

import botocore.config
import botocore.exceptions

import harness

THROTTLED = "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."


class KmsQuotaTest(harness.InstanceTestCase):
    instance_kwargs = {"kms_args": ["--quota", "us-west-1=0.01", "--quota", "sa-east-1=0.01"]}

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


if __name__ == "__main__":
    unittest.main()
