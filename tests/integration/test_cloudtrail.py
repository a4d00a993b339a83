"""CloudTrail records of KMS calls and LookupEvents (served by the S3 process), driven by boto3 and the aws
CLI (v1) with default settings. Both services journal every record durably before the call is answered
and import the journals into <data>/trail.db; readers see every answered call (the kill -9 test checks
that)."""
import base64
import json
import threading
import time

from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

import harness
from harness import InstanceTestCase

ACCOUNT = harness.ACCOUNT_ID
REGION = harness.REGION


def lookup(inst, key=None, value=None, creds=None, **kw):
    """Every record matching one lookup attribute (all pages), newest first, as (event, record) pairs."""
    trail = inst.client("cloudtrail", **(creds or {}))
    if key:
        kw["LookupAttributes"] = [{"AttributeKey": key, "AttributeValue": value}]
    out, token = [], None
    while True:
        page = trail.lookup_events(**(dict(kw, NextToken=token) if token else kw))
        out += [(e, json.loads(e["CloudTrailEvent"])) for e in page["Events"]]
        token = page.get("NextToken")
        if not token:
            return out


def make_user(inst, name, *statements):
    iam = inst.client("iam")
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": list(statements)}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


class KmsRecordTest(InstanceTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kms = cls.inst.client("kms")
        cls.key = cls.kms.create_key(Description="trail")["KeyMetadata"]
        cls.root_key_id = cls.inst.root_credentials()[0]

    def test_generate_data_key_record_has_the_fields_aws_writes(self):
        resp = self.kms.generate_data_key(KeyId=self.key["KeyId"], KeySpec="AES_256",
                                          EncryptionContext={"project": "trail-1"})
        events = [(e, r) for e, r in lookup(self.inst, "EventName", "GenerateDataKey")
                  if r["requestID"] == resp["ResponseMetadata"]["RequestId"]]
        self.assertEqual(len(events), 1)
        event, record = events[0]
        self.assertEqual(list(record), [
            "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
            "userAgent", "requestParameters", "responseElements", "additionalEventData", "requestID", "eventID",
            "readOnly", "resources", "eventType", "managementEvent", "recipientAccountId", "eventCategory"])
        self.assertEqual(record["eventVersion"], "1.11")
        self.assertEqual(record["userIdentity"], {
            "type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT,
            "accessKeyId": self.root_key_id})
        self.assertEqual(record["eventSource"], "kms.amazonaws.com")
        self.assertEqual(record["awsRegion"], REGION)
        self.assertEqual(record["sourceIPAddress"], "127.0.0.1")
        self.assertTrue(record["userAgent"].startswith("Boto3/"), record["userAgent"])
        self.assertEqual(record["requestParameters"], {
            "keyId": self.key["KeyId"], "keySpec": "AES_256", "encryptionContext": {"project": "trail-1"}})
        self.assertIsNone(record["responseElements"])
        self.assertEqual(record["additionalEventData"], {"keyMaterialId": resp["KeyMaterialId"]})
        self.assertIs(record["readOnly"], True)
        self.assertEqual(record["resources"], [{"accountId": ACCOUNT, "type": "AWS::KMS::Key",
                                                "ARN": self.key["Arn"]}])
        self.assertEqual((record["eventType"], record["managementEvent"], record["recipientAccountId"],
                          record["eventCategory"]), ("AwsApiCall", True, ACCOUNT, "Management"))
        self.assertRegex(record["eventTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        # The LookupEvents view of the same record.
        self.assertEqual(event["EventId"], record["eventID"])
        self.assertEqual((event["EventName"], event["ReadOnly"], event["Username"], event["AccessKeyId"],
                          event["EventSource"]), ("GenerateDataKey", "true", "root", self.root_key_id,
                                                  "kms.amazonaws.com"))
        self.assertEqual(event["Resources"], [{"ResourceType": "AWS::KMS::Key", "ResourceName": self.key["Arn"]}])
        # Never the data key, in either encoding.
        text = event["CloudTrailEvent"]
        self.assertNotIn(base64.b64encode(resp["Plaintext"]).decode(), text)
        self.assertNotIn(base64.b64encode(resp["CiphertextBlob"]).decode(), text)
        self.assertNotIn("invokedBy", text)
        self.assertNotIn("errorCode", text)

    def test_decrypt_record_names_the_key_and_the_default_algorithm(self):
        blob = self.kms.encrypt(KeyId=self.key["KeyId"], Plaintext=b"attack at dawn")["CiphertextBlob"]
        resp = self.kms.decrypt(CiphertextBlob=blob)
        (event, record), = [(e, r) for e, r in lookup(self.inst, "EventName", "Decrypt")
                            if r["requestID"] == resp["ResponseMetadata"]["RequestId"]]
        self.assertEqual(record["requestParameters"], {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"})
        self.assertEqual(record["resources"][0]["ARN"], self.key["Arn"])
        self.assertNotIn(base64.b64encode(blob).decode(), event["CloudTrailEvent"])
        self.assertNotIn(base64.b64encode(b"attack at dawn").decode(), event["CloudTrailEvent"])

    def test_create_key_is_a_write_with_the_new_key_in_resources(self):
        meta = self.kms.create_key(Description="second")["KeyMetadata"]
        writes = lookup(self.inst, "ReadOnly", "false")
        (event, record), = [(e, r) for e, r in writes if r["eventName"] == "CreateKey"
                            and r["resources"][0]["ARN"] == meta["Arn"]]
        self.assertEqual(event["ReadOnly"], "false")
        self.assertIs(record["readOnly"], False)
        self.assertEqual(record["requestParameters"], {"description": "second"})
        self.assertEqual(record["responseElements"]["keyMetadata"]["keyId"], meta["KeyId"])
        self.assertTrue(all(e["ReadOnly"] == "false" for e, _ in writes))

    def test_denied_call_records_the_error_code_and_message(self):
        creds = make_user(self.inst, "trail-nokms")
        kms = self.inst.client("kms", **creds)
        with self.assertRaises(ClientError) as ctx:
            kms.generate_data_key(KeyId=self.key["Arn"], KeySpec="AES_256")
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "AccessDeniedException")
        (event, record), = lookup(self.inst, "Username", "trail-nokms")
        self.assertEqual(record["errorCode"], "AccessDeniedException")
        self.assertEqual(record["errorMessage"], err["Message"])
        self.assertEqual(list(record)[8:10], ["errorCode", "errorMessage"])
        self.assertEqual(record["userIdentity"]["type"], "IAMUser")
        self.assertEqual(record["userIdentity"]["userName"], "trail-nokms")
        self.assertEqual(record["userIdentity"]["arn"], f"arn:aws:iam::{ACCOUNT}:user/trail-nokms")
        self.assertEqual(record["userIdentity"]["accessKeyId"], creds["aws_access_key_id"])
        self.assertEqual(record["requestParameters"], {"keyId": self.key["Arn"], "keySpec": "AES_256"})
        self.assertEqual(event["AccessKeyId"], creds["aws_access_key_id"])

    def test_bad_signature_with_a_known_key_is_recorded_for_its_owner(self):
        creds = make_user(self.inst, "trail-badsig")
        kms = self.inst.client("kms", aws_access_key_id=creds["aws_access_key_id"],
                               aws_secret_access_key="not-the-secret",
                               config=Config(retries={"total_max_attempts": 1}))
        with self.assertRaises(ClientError) as ctx:
            kms.list_keys()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidSignatureException")
        (event, record), = lookup(self.inst, "Username", "trail-badsig")
        self.assertEqual((record["eventName"], record["errorCode"]), ("ListKeys", "InvalidSignatureException"))
        self.assertIs(record["readOnly"], True)
        self.assertNotIn("resources", record)

    def test_lookup_attributes_filter(self):
        self.kms.encrypt(KeyId=self.key["KeyId"], Plaintext=b"x")
        newest_id = lookup(self.inst, "EventName", "Encrypt")[0][1]["eventID"]
        (event, _), = lookup(self.inst, "EventId", newest_id)
        self.assertEqual(event["EventName"], "Encrypt")
        by_key = lookup(self.inst, "ResourceName", self.key["Arn"])
        self.assertTrue(by_key and all(any(r["ResourceName"] == self.key["Arn"] for r in e["Resources"])
                                       for e, _ in by_key))
        self.assertEqual({e["EventSource"] for e, _ in lookup(self.inst, "EventSource", "kms.amazonaws.com")},
                         {"kms.amazonaws.com"})
        self.assertEqual({e["AccessKeyId"] for e, _ in lookup(self.inst, "AccessKeyId", self.root_key_id)},
                         {self.root_key_id})
        self.assertTrue(lookup(self.inst, "ResourceType", "AWS::KMS::Key"))
        self.assertEqual(lookup(self.inst, "EventName", "NoSuchEvent"), [])

    def test_pages_are_newest_first_and_disjoint(self):
        for _ in range(7):
            self.kms.generate_random(NumberOfBytes=16)
        trail = self.inst.client("cloudtrail")
        attrs = [{"AttributeKey": "EventName", "AttributeValue": "GenerateRandom"}]
        seen, token, sizes = [], None, []
        while True:
            kw = {"LookupAttributes": attrs, "MaxResults": 3}
            page = trail.lookup_events(**(dict(kw, NextToken=token) if token else kw))
            sizes.append(len(page["Events"]))
            seen += page["Events"]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(sizes, [3, 3, 1])
        self.assertEqual(len({e["EventId"] for e in seen}), 7)
        times = [e["EventTime"] for e in seen]
        self.assertEqual(times, sorted(times, reverse=True))
        self.assertEqual(json.loads(seen[0]["CloudTrailEvent"])["requestParameters"], {"numberOfBytes": 16})

    def test_time_range(self):
        self.kms.describe_key(KeyId=self.key["KeyId"])
        now = time.time()
        trail = self.inst.client("cloudtrail")
        attrs = [{"AttributeKey": "EventName", "AttributeValue": "DescribeKey"}]
        self.assertTrue(trail.lookup_events(LookupAttributes=attrs, StartTime=now - 120)["Events"])
        self.assertEqual(trail.lookup_events(LookupAttributes=attrs, StartTime=now + 60)["Events"], [])
        self.assertEqual(trail.lookup_events(LookupAttributes=attrs, EndTime=now - 3600)["Events"], [])

    def test_invalid_requests(self):
        trail = self.inst.client("cloudtrail")
        two = [{"AttributeKey": "EventName", "AttributeValue": "Decrypt"},
               {"AttributeKey": "Username", "AttributeValue": "root"}]
        self.assertCode(trail.lookup_events, "InvalidLookupAttributesException", 400, LookupAttributes=two)
        self.assertCode(trail.lookup_events, "InvalidTimeRangeException", 400, StartTime=2000, EndTime=1000)
        self.assertCode(trail.lookup_events, "InvalidNextTokenException", 400, NextToken="bm90LWEtdG9rZW4=")

    def test_aws_cli_lookup_events(self):
        self.kms.generate_data_key(KeyId=self.key["KeyId"], NumberOfBytes=32)
        rc, out, err = self.inst.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                                     "AttributeKey=EventName,AttributeValue=GenerateDataKey")
        self.assertEqual(rc, 0, err)
        events = json.loads(out)["Events"]
        self.assertTrue(events)
        self.assertTrue(all(e["EventName"] == "GenerateDataKey" for e in events))
        newest = json.loads(events[0]["CloudTrailEvent"])
        self.assertEqual(newest["requestParameters"], {"keyId": self.key["KeyId"], "numberOfBytes": 32})


class LookupAuthorizationTest(InstanceTestCase):

    def test_users_need_cloudtrail_lookup_events(self):
        plain = make_user(self.inst, "trail-reader-denied")
        with self.assertRaises(ClientError) as ctx:
            self.inst.client("cloudtrail", **plain).lookup_events()
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "AccessDeniedException")
        self.assertEqual(err["Message"], f"User: arn:aws:iam::{ACCOUNT}:user/trail-reader-denied is not authorized "
                                         "to perform: cloudtrail:LookupEvents because no identity-based policy "
                                         "allows the cloudtrail:LookupEvents action")
        reader = make_user(self.inst, "trail-reader", allow("cloudtrail:LookupEvents"))
        self.inst.client("kms").create_key()
        events = self.inst.client("cloudtrail", **reader).lookup_events()["Events"]
        self.assertIn("CreateKey", [e["EventName"] for e in events])


class TlsDetailsTest(InstanceTestCase):

    def test_https_calls_record_the_negotiated_tls_version_and_cipher(self):
        plain = self.inst.client("kms").create_key(Description="over http")["KeyMetadata"]["KeyId"]
        tls = self.inst.client("kms", https=True).create_key(Description="over https")["KeyMetadata"]["KeyId"]
        self.inst.client("s3", https=True).create_bucket(Bucket="tls-details")
        records = {r["responseElements"]["keyMetadata"]["keyId"]: r for _, r in lookup(self.inst, "EventName", "CreateKey")}
        self.assertNotIn("tlsDetails", records[plain])
        details = records[tls]["tlsDetails"]
        self.assertEqual(list(details), ["tlsVersion", "cipherSuite", "clientProvidedHostHeader"])
        self.assertEqual(details["tlsVersion"], "TLSv1.3")  # Python's ssl and OpenSSL 3 negotiate 1.3
        self.assertIn(details["cipherSuite"], ("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
                                               "TLS_CHACHA20_POLY1305_SHA256"))
        self.assertEqual(details["clientProvidedHostHeader"], f"127.0.0.1:{self.inst.kms_tls_port}")
        (_, bucket), = lookup(self.inst, "EventName", "CreateBucket")
        self.assertEqual(bucket["tlsDetails"]["tlsVersion"], "TLSv1.3")


class ThrottledRecordTest(InstanceTestCase):
    instance_kwargs = {"kms_args": ["--quota", "us-west-1=0.01"]}

    def test_throttled_call_is_recorded(self):
        kms = self.inst.client("kms", region="us-west-1", config=Config(retries={"total_max_attempts": 1}))
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        with self.assertRaises(ClientError) as ctx:
            for _ in range(3):
                kms.generate_data_key(KeyId=key, KeySpec="AES_256")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ThrottlingException")
        throttled = [r for _, r in lookup(self.inst, "EventName", "GenerateDataKey")
                     if r.get("errorCode") == "ThrottlingException"]
        self.assertEqual(len(throttled), 1)
        self.assertEqual(throttled[0]["awsRegion"], "us-west-1")
        self.assertEqual(throttled[0]["errorMessage"],
                         "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.")


class SseKmsRecordTest(InstanceTestCase):

    def test_upload_records_generate_data_key_for_the_user_invoked_by_s3(self):
        kms = self.inst.client("kms")
        key = kms.create_key()["KeyMetadata"]
        creds = make_user(self.inst, "uploader", allow("s3:*"),
                          allow(["kms:GenerateDataKey", "kms:Decrypt"], key["Arn"]))
        self.inst.client("s3").create_bucket(Bucket="trail-sse")
        s3 = self.inst.client("s3", https=True, **creds)
        try:
            s3.put_object(Bucket="trail-sse", Key="reports/q1.csv", Body=b"a,b\n", ServerSideEncryption="aws:kms",
                          SSEKMSKeyId=key["KeyId"])
        except ClientError as e:
            self.skipTest(f"SSE-KMS not available: {e}")
        self.assertEqual(s3.get_object(Bucket="trail-sse", Key="reports/q1.csv")["Body"].read(), b"a,b\n")
        for name in ("GenerateDataKey", "Decrypt"):
            (event, record), = [(e, r) for e, r in lookup(self.inst, "EventName", name)
                                if r["userIdentity"].get("userName") == "uploader"]
            self.assertEqual(record["userIdentity"]["invokedBy"], "s3.amazonaws.com")
            self.assertEqual(record["userIdentity"]["accessKeyId"], creds["aws_access_key_id"])
            self.assertEqual((record["sourceIPAddress"], record["userAgent"]), ("s3.amazonaws.com", "s3.amazonaws.com"))
            self.assertEqual(record["requestParameters"]["encryptionContext"],
                             {"aws:s3:arn": "arn:aws:s3:::trail-sse/reports/q1.csv"})
            self.assertEqual(record["resources"], [{"accountId": ACCOUNT, "type": "AWS::KMS::Key",
                                                    "ARN": key["Arn"]}])
            self.assertNotIn("tlsDetails", record)
            self.assertEqual(event["Username"], "uploader")
        gdk = [r for _, r in lookup(self.inst, "EventName", "GenerateDataKey")
               if r["userIdentity"].get("userName") == "uploader"][0]
        self.assertEqual(gdk["requestParameters"]["keySpec"], "AES_256")


class CrossAccountRecordTest(InstanceTestCase):
    """A call on a key of another account is delivered to both trails (AWS CloudTrail user guide, "CloudTrail
    record contents": sharedEventID, recipientAccountId; KMS developer guide, "Logging AWS KMS API calls with
    AWS CloudTrail": cross-account calls denied access are logged in the caller's account only). Each account
    reads its own copy with LookupEvents under its own credentials."""
    OWNER = "444455556666"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rc, out, err = cls.inst.s3lab("account", "add", cls.OWNER)
        if rc != 0:
            raise RuntimeError(f"s3lab account add failed ({rc}): {out}{err}")
        ak, sk = cls.inst.root_credentials(cls.OWNER)
        cls.owner = {"aws_access_key_id": ak, "aws_secret_access_key": sk}
        cls.caller = make_user(cls.inst, "xacct-user", allow(["kms:Encrypt", "kms:GenerateDataKey"]),
                               allow("s3:PutObject"))
        owner_kms = cls.inst.client("kms", **cls.owner)
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{cls.OWNER}:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "CallerUser", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/xacct-user"},
             "Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": "*"}]}
        for _ in range(50):  # the new account's root key reaches the KMS process's identity snapshot
            try:
                cls.key = owner_kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]
                break
            except ClientError as e:
                if e.response["Error"]["Code"] != "UnrecognizedClientException":
                    raise
                time.sleep(0.1)
        else:
            raise RuntimeError("the new account's root key never reached the KMS process")

    def copies(self, name, request_id):
        """{account: (LookupEvents event, record)} of the records of one request, looked up in each account."""
        found = {}
        for account, creds in ((ACCOUNT, None), (self.OWNER, self.owner)):
            mine = [(e, r) for e, r in lookup(self.inst, "EventName", name, creds=creds)
                    if r["requestID"] == request_id]
            self.assertLessEqual(len(mine), 1, mine)
            if mine:
                found[account] = mine[0]
        return found

    def assert_shared(self, found):
        self.assertEqual(set(found), {ACCOUNT, self.OWNER})
        (caller_event, caller_copy), (owner_event, owner_copy) = found[ACCOUNT], found[self.OWNER]
        self.assertEqual((caller_copy["recipientAccountId"], owner_copy["recipientAccountId"]),
                         (ACCOUNT, self.OWNER))
        self.assertRegex(caller_copy["sharedEventID"], r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
        self.assertEqual(owner_copy["sharedEventID"], caller_copy["sharedEventID"])
        self.assertNotEqual(owner_copy["eventID"], caller_copy["eventID"])
        self.assertEqual((caller_event["EventId"], owner_event["EventId"]),
                         (caller_copy["eventID"], owner_copy["eventID"]))
        self.assertEqual(list(owner_copy)[-3:], ["recipientAccountId", "sharedEventID", "eventCategory"])
        # The owner sees the caller (userIdentity.accountId = the caller's account) and its own key.
        self.assertEqual(owner_copy["userIdentity"], caller_copy["userIdentity"])
        self.assertEqual(owner_copy["userIdentity"]["accountId"], ACCOUNT)
        self.assertEqual(owner_copy["userIdentity"]["userName"], "xacct-user")
        self.assertEqual(owner_copy["resources"], [{"accountId": self.OWNER, "type": "AWS::KMS::Key",
                                                    "ARN": self.key["Arn"]}])
        self.assertEqual(caller_copy["resources"], owner_copy["resources"])
        self.assertEqual(owner_event["Username"], "xacct-user")
        different = {"eventID", "recipientAccountId"}
        self.assertEqual({k: v for k, v in owner_copy.items() if k not in different},
                         {k: v for k, v in caller_copy.items() if k not in different})
        return caller_copy, owner_copy

    def test_encrypt_with_the_other_accounts_key_is_in_both_trails(self):
        kms = self.inst.client("kms", **self.caller)
        resp = kms.encrypt(KeyId=self.key["Arn"], Plaintext=b"cross-account")
        _, owner_copy = self.assert_shared(self.copies("Encrypt", resp["ResponseMetadata"]["RequestId"]))
        # The aws CLI under the owner's credentials finds the owner's copy by its event id.
        rc, out, err = self.inst.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                                     f"AttributeKey=EventId,AttributeValue={owner_copy['eventID']}",
                                     env=self.inst.env(access_key=self.owner["aws_access_key_id"],
                                                       secret_key=self.owner["aws_secret_access_key"]))
        self.assertEqual(rc, 0, err)
        (event,) = json.loads(out)["Events"]
        self.assertEqual(json.loads(event["CloudTrailEvent"])["recipientAccountId"], self.OWNER)

    def test_same_account_call_has_one_record_without_shared_event_id(self):
        kms = self.inst.client("kms")
        own = kms.create_key()["KeyMetadata"]
        resp = kms.encrypt(KeyId=own["Arn"], Plaintext=b"same account")
        found = self.copies("Encrypt", resp["ResponseMetadata"]["RequestId"])
        self.assertEqual(list(found), [ACCOUNT])
        self.assertNotIn("sharedEventID", found[ACCOUNT][1])

    def test_denied_cross_account_call_is_in_the_callers_trail_only(self):
        kms = self.inst.client("kms", **self.caller)
        blob = kms.encrypt(KeyId=self.key["Arn"], Plaintext=b"x")["CiphertextBlob"]
        resp = self.assertCode(kms.decrypt, "AccessDeniedException", CiphertextBlob=blob)
        found = self.copies("Decrypt", resp["ResponseMetadata"]["RequestId"])
        self.assertEqual(list(found), [ACCOUNT])
        self.assertEqual(found[ACCOUNT][1]["errorCode"], "AccessDeniedException")
        self.assertNotIn("sharedEventID", found[ACCOUNT][1])

    def test_s3_sse_kms_with_the_other_accounts_key_is_in_both_trails(self):
        self.inst.client("s3").create_bucket(Bucket="xacct-trail")
        s3 = self.inst.client("s3", https=True, **self.caller)
        s3.put_object(Bucket="xacct-trail", Key="k", Body=b"data", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=self.key["Arn"])
        calls = [r for _, r in lookup(self.inst, "EventName", "GenerateDataKey")
                 if r["userIdentity"].get("userName") == "xacct-user"]
        self.assertEqual(len(calls), 1)
        caller_copy, _ = self.assert_shared(self.copies("GenerateDataKey", calls[0]["requestID"]))
        self.assertEqual(caller_copy["userIdentity"]["invokedBy"], "s3.amazonaws.com")
        self.assertEqual(caller_copy["requestParameters"]["encryptionContext"],
                         {"aws:s3:arn": "arn:aws:s3:::xacct-trail/k"})


class KillNineTest(InstanceTestCase):
    """kill -9 of KMS under load: every answered request has its record (each record is appended to the
    process's journal before the reply and imported into trail.db by the next reader or start)."""

    def test_no_answered_request_loses_its_record(self):
        key = self.inst.client("kms").create_key()["KeyMetadata"]["KeyId"]
        answered, lock, stop = [], threading.Lock(), threading.Event()

        def worker():
            kms = self.inst.client("kms", config=Config(retries={"total_max_attempts": 1}, connect_timeout=2,
                                                        read_timeout=5))
            while not stop.is_set():
                try:
                    r = kms.generate_data_key(KeyId=key, KeySpec="AES_256")
                except (ClientError, EndpointConnectionError, Exception):  # noqa: the process is gone
                    if not self.inst.kms.alive():
                        return
                    continue
                with lock:
                    answered.append(r["ResponseMetadata"]["RequestId"])

        threads = [threading.Thread(target=worker) for _ in range(6)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(answered) < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.inst.kill9(which=("kms",))
        stop.set()
        for t in threads:
            t.join(30)
        self.assertGreaterEqual(len(answered), 300)
        recorded = {r["requestID"] for _, r in lookup(self.inst, "EventName", "GenerateDataKey")}
        missing = [rid for rid in answered if rid not in recorded]
        self.assertEqual(missing, [], f"{len(missing)} of {len(answered)} answered requests have no record")


class S3AndIamEventTest(InstanceTestCase):
    """Bucket-level S3 calls and IAM calls are management events; object calls are data events (not shown)."""

    def test_bucket_calls_are_recorded_and_object_calls_are_not(self):
        s3 = self.inst.client("s3")
        resp = s3.create_bucket(Bucket="trail-mgmt")
        s3.put_object(Bucket="trail-mgmt", Key="k", Body=b"x")
        s3.get_bucket_encryption(Bucket="trail-mgmt")
        (event, record), = lookup(self.inst, "EventName", "CreateBucket")
        self.assertEqual(record["eventSource"], "s3.amazonaws.com")
        self.assertEqual(record["requestID"], resp["ResponseMetadata"]["RequestId"])
        self.assertEqual(record["requestParameters"]["bucketName"], "trail-mgmt")
        self.assertEqual(record["resources"], [{"accountId": ACCOUNT, "type": "AWS::S3::Bucket",
                                                "ARN": "arn:aws:s3:::trail-mgmt"}])
        self.assertIs(record["readOnly"], False)
        self.assertEqual(event["Resources"], [{"ResourceType": "AWS::S3::Bucket",
                                               "ResourceName": "arn:aws:s3:::trail-mgmt"}])
        (_, enc), = lookup(self.inst, "EventName", "GetBucketEncryption")
        self.assertIs(enc["readOnly"], True)
        self.assertEqual(enc["requestParameters"]["encryption"], "")
        self.assertEqual(lookup(self.inst, "EventName", "PutObject"), [])
        sources = {e["EventSource"] for e, _ in lookup(self.inst, "ResourceName", "arn:aws:s3:::trail-mgmt")}
        self.assertEqual(sources, {"s3.amazonaws.com"})

    def test_denied_bucket_call_and_iam_calls(self):
        creds = make_user(self.inst, "trail-s3-denied")
        with self.assertRaises(ClientError) as ctx:
            self.inst.client("s3", **creds).create_bucket(Bucket="trail-denied")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDenied")
        records = [r for _, r in lookup(self.inst, "Username", "trail-s3-denied")]
        (denied,) = [r for r in records if r["eventName"] == "CreateBucket"]
        self.assertEqual(denied["errorCode"], "AccessDenied")
        self.assertEqual(denied["errorMessage"], ctx.exception.response["Error"]["Message"])
        (_, created), = [(e, r) for e, r in lookup(self.inst, "EventName", "CreateUser")
                         if r["requestParameters"] == {"userName": "trail-s3-denied"}]
        self.assertEqual((created["eventSource"], created["awsRegion"]), ("iam.amazonaws.com", "us-east-1"))
        (event, key_record), = [(e, r) for e, r in lookup(self.inst, "EventName", "CreateAccessKey")
                                if r["requestParameters"] == {"userName": "trail-s3-denied"}]
        self.assertNotIn(creds["aws_secret_access_key"], event["CloudTrailEvent"])
        self.assertIsNone(key_record["responseElements"])


class DenialDecisionTest(InstanceTestCase):
    """For a denial the trail stores what decided (the Deny statement, or why nothing allowed) beside the
    record: the console API's `decision` (console port, /api/trail) has it, LookupEvents' record does not."""
    instance_kwargs = {"console": True}

    def api_trail(self, **params):
        import http.client
        import urllib.parse
        conn = http.client.HTTPConnection("127.0.0.1", self.inst.console_port, timeout=30)
        try:
            conn.request("GET", "/api/trail?" + urllib.parse.urlencode(params))
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            return json.loads(r.read())["records"]
        finally:
            conn.close()

    def test_key_policy_deny_statement_is_the_decision_of_a_denied_decrypt(self):
        creds = make_user(self.inst, "alice-deny", allow("kms:*"))
        deny = {"Sid": "DenyAlice", "Effect": "Deny",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice-deny"},
                "Action": "kms:Decrypt", "Resource": "*"}
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}, deny]}
        key = self.inst.client("kms").create_key(Policy=json.dumps(policy))["KeyMetadata"]
        kms = self.inst.client("kms", **creds)
        blob = kms.encrypt(KeyId=key["Arn"], Plaintext=b"secret")["CiphertextBlob"]
        with self.assertRaises(ClientError) as ctx:
            kms.decrypt(CiphertextBlob=blob)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AccessDeniedException")
        self.assertIn("with an explicit deny in a resource-based policy", ctx.exception.response["Error"]["Message"])

        (item,) = self.api_trail(source="kms", event="Decrypt", error="*", principal="alice-deny")
        self.assertEqual(item["decision"], {
            "effect": "ExplicitDeny",
            "reason": f"explicit Deny in statement \"DenyAlice\" (Statement[1]) of key policy of {key['Arn']}",
            "policyType": "resource-based", "policy": f"key policy of {key['Arn']}", "sid": "DenyAlice",
            "statementIndex": 1, "statement": deny})
        self.assertEqual(list(item["decision"]["statement"]), list(deny), "members in the order written")
        (allowed,) = self.api_trail(source="kms", event="Encrypt", principal="alice-deny")
        self.assertIsNone(allowed["decision"])
        # LookupEvents returns AWS's record only.
        (event, record), = [(e, r) for e, r in lookup(self.inst, "Username", "alice-deny")
                            if r["eventName"] == "Decrypt"]
        self.assertNotIn("decision", record)
        self.assertNotIn("DenyAlice", event["CloudTrailEvent"])
        self.assertEqual(record, item["record"])

    def test_implicit_denials_of_kms_s3_and_iam_calls_name_the_policies_evaluated(self):
        creds = make_user(self.inst, "bob-none", allow("s3:PutObject"))
        key = self.inst.client("kms").create_key()["KeyMetadata"]
        with self.assertRaises(ClientError):
            self.inst.client("kms", **creds).describe_key(KeyId=key["Arn"])
        (item,) = self.api_trail(source="kms", event="DescribeKey", principal="bob-none")
        self.assertEqual(item["decision"]["effect"], "ImplicitDeny")
        self.assertEqual(item["decision"]["policyType"], "identity-based")
        self.assertTrue(item["decision"]["reason"].startswith(
            "no identity-based policy allows kms:DescribeKey; the Allow in statement "
            "\"Enable IAM User Permissions\" (Statement[0]) of key policy of "), item["decision"])
        self.assertEqual(item["decision"]["considered"],
                         ["identity policy p of user bob-none", f"key policy of {key['Arn']}"])

        s3 = self.inst.client("s3")
        s3.create_bucket(Bucket="decision-bucket")
        no_reads = {"Sid": "NoEncryptionReads", "Effect": "Deny", "Principal": "*",
                    "Action": "s3:GetEncryptionConfiguration", "Resource": "arn:aws:s3:::decision-bucket"}
        s3.put_bucket_policy(Bucket="decision-bucket", Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [no_reads]}))
        bob_s3 = self.inst.client("s3", **creds)
        for call in (lambda: bob_s3.create_bucket(Bucket="decision-denied"),
                     lambda: bob_s3.get_bucket_encryption(Bucket="decision-bucket")):
            with self.assertRaises(ClientError):
                call()
        (created,) = self.api_trail(source="s3", event="CreateBucket", principal="bob-none")
        self.assertEqual(created["decision"], {
            "effect": "ImplicitDeny", "reason": "no statement allows s3:CreateBucket",
            "policyType": "identity-based", "considered": ["identity policy p of user bob-none"]})
        (enc,) = self.api_trail(source="s3", event="GetBucketEncryption", principal="bob-none")
        self.assertEqual((enc["decision"]["policy"], enc["decision"]["sid"], enc["decision"]["statement"]),
                         ("bucket policy of decision-bucket", "NoEncryptionReads", no_reads))

        with self.assertRaises(ClientError):
            self.inst.client("iam", **creds).create_user(UserName="not-by-bob")
        (iam_item,) = self.api_trail(source="iam", event="CreateUser", principal="bob-none")
        self.assertEqual(iam_item["decision"]["reason"], "no statement allows iam:CreateUser")


class TrailCommandTest(InstanceTestCase):

    def test_s3lab_trail_prints_the_latest_records(self):
        kms = self.inst.client("kms")
        kms.generate_data_key(KeyId=kms.create_key()["KeyMetadata"]["KeyId"], KeySpec="AES_256")
        rc, out, err = self.inst.s3lab("trail", "--max", "5")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["TIME", "SOURCE", "EVENT", "USER", "REGION", "ERROR"])
        self.assertEqual([l.split()[2] for l in lines[1:]][-2:], ["CreateKey", "GenerateDataKey"])
        self.assertEqual(lines[-1].split()[1:], ["kms.amazonaws.com", "GenerateDataKey", "root", REGION, "-"])
        rc, out, err = self.inst.s3lab("trail", "--json", "--event-name", "GenerateDataKey")
        self.assertEqual(rc, 0, err)
        (record,) = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(record["requestParameters"]["keySpec"], "AES_256")
