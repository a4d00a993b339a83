"""CloudTrail data events of S3 object calls (emulator/cloudtrail/s3_events.h), driven by boto3 with default
settings and read back with `s3lab trail --json` (LookupEvents never shows data events, as on AWS). They
are off by default, as on AWS (a trail records them only with a data-event selector); s3lab-s3
--data-events on (`s3lab up --s3-data-events on`) records them."""
import base64
import hashlib
import json
import os
import urllib.request

import harness
from harness import InstanceTestCase

ACCOUNT = harness.ACCOUNT_ID
REGION = harness.REGION


class DataEventsTest(InstanceTestCase):
    instance_kwargs = {"s3_args": ("--data-events", "on")}

    def records(self, event_name, account=None):
        """Every record of this event name, oldest first (s3lab trail --json prints newest last)."""
        args = ["--data-events", "--json", "--max", "50", "--event-name", event_name] + (["--account", account] if account else [])
        rc, out, err = self.inst.s3lab("trail", *args)
        self.assertEqual(rc, 0, err)
        return [json.loads(line) for line in out.splitlines()]

    def record_of(self, event_name, response, account=None):
        """The one record of the request that got `response` (matched on requestID)."""
        request_id = response["ResponseMetadata"]["RequestId"]
        mine = [r for r in self.records(event_name, account) if r["requestID"] == request_id]
        self.assertEqual(len(mine), 1, mine)
        return mine[0]

    def test_put_and_get_are_data_events_with_the_fields_aws_writes(self):
        s3 = self.inst.client("s3")
        s3.create_bucket(Bucket="data-ev")
        body = b"data events: who wrote and who read\n"
        put = s3.put_object(Bucket="data-ev", Key="docs/a.txt", Body=body)
        rec = self.record_of("PutObject", put)
        self.assertEqual((rec["eventSource"], rec["eventCategory"], rec["managementEvent"], rec["readOnly"]),
                         ("s3.amazonaws.com", "Data", False, False))
        self.assertEqual(rec["userIdentity"]["type"], "Root")
        self.assertEqual(rec["awsRegion"], REGION)
        self.assertEqual(rec["requestParameters"], {
            "bucketName": "data-ev", "Host": f"127.0.0.1:{self.inst.s3_port}", "key": "docs/a.txt"})
        self.assertEqual(rec["responseElements"], {"x-amz-server-side-encryption": "AES256"})
        extra = rec["additionalEventData"]
        self.assertEqual(list(extra), ["SignatureVersion", "bytesTransferredIn", "SSEApplied",
                                       "AuthenticationMethod", "x-amz-id-2", "bytesTransferredOut"])
        self.assertEqual((extra["SignatureVersion"], extra["AuthenticationMethod"]), ("SigV4", "AuthHeader"))
        self.assertEqual((extra["bytesTransferredIn"], extra["bytesTransferredOut"]), (len(body), 0))
        self.assertEqual(extra["SSEApplied"], "Default_SSE_S3")
        self.assertEqual(extra["x-amz-id-2"], put["ResponseMetadata"]["HTTPHeaders"]["x-amz-id-2"])
        self.assertEqual(rec["resources"], [
            {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::data-ev/docs/a.txt"},
            {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::data-ev"}])
        self.assertEqual(list(rec)[-4:], ["eventType", "managementEvent", "recipientAccountId", "eventCategory"])

        get = s3.get_object(Bucket="data-ev", Key="docs/a.txt")
        self.assertEqual(get["Body"].read(), body)
        rec = self.record_of("GetObject", get)
        self.assertIs(rec["readOnly"], True)
        self.assertIsNone(rec["responseElements"])
        self.assertNotIn("SSEApplied", rec["additionalEventData"])
        self.assertEqual(rec["additionalEventData"]["bytesTransferredOut"], len(body))
        # Never in LookupEvents (CloudTrail's Event history shows management events only).
        trail = self.inst.client("cloudtrail")
        for name in ("PutObject", "GetObject"):
            found = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": name}])
            self.assertEqual(found["Events"], [])
        # A missing key is recorded with AWS's error.
        with self.assertRaises(s3.exceptions.NoSuchKey) as ctx:
            s3.get_object(Bucket="data-ev", Key="missing")
        rec = self.record_of("GetObject", ctx.exception.response)
        self.assertEqual((rec["errorCode"], rec["errorMessage"]), ("NoSuchKey", "The specified key does not exist."))

    def test_sse_applied_tells_the_request_from_the_bucket_default(self):
        s3 = self.inst.client("s3")
        s3.create_bucket(Bucket="data-ev-sse")
        asked = s3.put_object(Bucket="data-ev-sse", Key="kms", Body=b"k", ServerSideEncryption="aws:kms")
        rec = self.record_of("PutObject", asked)
        self.assertEqual(rec["additionalEventData"]["SSEApplied"], "SSE_KMS")
        self.assertEqual(rec["requestParameters"]["x-amz-server-side-encryption"], "aws:kms")
        self.assertEqual(rec["responseElements"]["x-amz-server-side-encryption-aws-kms-key-id"],
                         asked["SSEKMSKeyId"])
        s3.put_bucket_encryption(Bucket="data-ev-sse", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
        default = s3.put_object(Bucket="data-ev-sse", Key="default", Body=b"d")
        self.assertEqual(self.record_of("PutObject", default)["additionalEventData"]["SSEApplied"], "Default_SSE_KMS")
        s3.copy_object(Bucket="data-ev-sse", Key="copy", CopySource="data-ev-sse/kms", ServerSideEncryption="AES256")
        (copy,) = self.records("CopyObject")
        self.assertEqual(copy["additionalEventData"]["SSEApplied"], "SSE_S3")
        self.assertEqual(copy["requestParameters"]["x-amz-copy-source"], "data-ev-sse/kms")

    def test_sse_c_records_the_key_md5_never_the_key(self):
        s3 = self.inst.client("s3", https=True)
        s3.create_bucket(Bucket="data-ev-ssec")
        key = os.urandom(32)
        put = s3.put_object(Bucket="data-ev-ssec", Key="c", Body=b"secret", SSECustomerAlgorithm="AES256",
                            SSECustomerKey=key)
        rec = self.record_of("PutObject", put)
        self.assertEqual(rec["additionalEventData"]["SSEApplied"], "SSE_C")
        self.assertTrue(rec["additionalEventData"]["CipherSuite"])
        self.assertEqual(rec["requestParameters"]["x-amz-server-side-encryption-customer-key-MD5"],
                         base64.b64encode(hashlib.md5(key).digest()).decode())
        rc, out, err = self.inst.s3lab("trail", "--data-events", "--json", "--max", "50")
        self.assertEqual(rc, 0, err)
        self.assertNotIn(base64.b64encode(key).decode(), out)
        with open(os.path.join(self.inst.data_dir, "trail.db"), "rb") as f:
            self.assertNotIn(base64.b64encode(key), f.read())

    def test_presigned_get_is_a_query_string_call_without_its_signature(self):
        s3 = self.seed_bucket("data-ev-presign", {"p": b"presigned"})
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "data-ev-presign", "Key": "p"})
        with urllib.request.urlopen(url) as resp:
            self.assertEqual(resp.read(), b"presigned")
            request_id = resp.headers["x-amz-request-id"]
        (rec,) = [r for r in self.records("GetObject") if r["requestID"] == request_id]
        self.assertEqual(rec["additionalEventData"]["AuthenticationMethod"], "QueryString")
        self.assertEqual(rec["additionalEventData"]["SignatureVersion"],
                         "SigV4" if "X-Amz-Signature=" in url else "SigV2")
        self.assertEqual(rec["requestParameters"], {
            "bucketName": "data-ev-presign", "Host": f"127.0.0.1:{self.inst.s3_port}", "key": "p"})

    def test_bucket_owned_by_another_account_gets_its_own_copy(self):
        owner = "444455556666"
        rc, out, err = self.inst.s3lab("account", "add", owner)
        self.assertEqual(rc, 0, out + err)
        ak, sk = self.inst.root_credentials(owner)
        theirs = self.inst.client("s3", aws_access_key_id=ak, aws_secret_access_key=sk)
        theirs.create_bucket(Bucket="data-ev-theirs")
        theirs.put_bucket_policy(Bucket="data-ev-theirs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::data-ev-theirs/*"}]}))
        put = self.inst.client("s3").put_object(Bucket="data-ev-theirs", Key="x", Body=b"x")
        mine, owners = self.record_of("PutObject", put), self.record_of("PutObject", put, account=owner)
        self.assertEqual((mine["recipientAccountId"], owners["recipientAccountId"]), (ACCOUNT, owner))
        self.assertEqual(mine["sharedEventID"], owners["sharedEventID"])
        self.assertNotEqual(mine["eventID"], owners["eventID"])
        self.assertEqual(owners["userIdentity"]["accountId"], ACCOUNT)
        self.assertEqual(owners["resources"][1], {"accountId": owner, "type": "AWS::S3::Bucket",
                                                  "ARN": "arn:aws:s3:::data-ev-theirs"})


class DataEventsOffByDefaultTest(InstanceTestCase):

    def test_object_calls_are_not_recorded_without_data_events(self):
        self.seed_bucket("data-ev-off", {"k": b"v"})
        rc, out, err = self.inst.s3lab("trail", "--data-events", "--json", "--max", "50")
        self.assertEqual(rc, 0, err)
        names = [json.loads(line)["eventName"] for line in out.splitlines()]
        self.assertIn("CreateBucket", names)
        self.assertNotIn("PutObject", names)
