"""Durability: a clean restart and a kill -9 keep every piece of state (buckets, objects and versions,
metadata, IAM users, keys and policies, KMS keys, aliases and their ciphertexts); and a kill -9 in the
middle of concurrent uploads (PutObject and multipart, over HTTP and HTTPS) loses nothing that was
acknowledged and shows no partial object."""
import hashlib
import io
import json
import random
import threading
import time
import unittest

from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from harness import Instance, InstanceTestCase

MIB = 1024 * 1024
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "*"}]})


def body_for(key, size):
    """Deterministic bytes for a key (so a reader can check any visible object completely)."""
    seed = hashlib.sha256(key.encode()).digest()
    block = hashlib.sha256(seed).digest() * 2048  # 64 KiB
    return (block * (size // len(block) + 1))[:size]


class RestartKeepsStateTest(InstanceTestCase):
    def populate(self):
        inst = self.inst
        s3, iam, kms = inst.client("s3"), inst.client("iam"), inst.client("kms")
        s3.create_bucket(Bucket="keep-plain")
        s3.create_bucket(Bucket="keep-versioned")
        s3.put_bucket_versioning(Bucket="keep-versioned", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="keep-plain", Key="a/small.txt", Body=b"small object\n", ContentType="text/plain",
                      Metadata={"owner": "lab"})
        s3.upload_fileobj(io.BytesIO(body_for("big", 10 * MIB)), "keep-plain", "a/big.bin")
        for i in range(3):
            s3.put_object(Bucket="keep-versioned", Key="doc.txt", Body=f"version {i}".encode())
        s3.delete_object(Bucket="keep-versioned", Key="gone.txt")
        iam.create_user(UserName="alice")
        key = iam.create_access_key(UserName="alice")["AccessKey"]
        iam.put_user_policy(UserName="alice", PolicyName="read", PolicyDocument=POLICY)
        arn = iam.create_policy(PolicyName="managed-read", PolicyDocument=POLICY)["Policy"]["Arn"]
        iam.attach_user_policy(UserName="alice", PolicyArn=arn)
        kid = kms.create_key(Description="survives restarts")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/keep", TargetKeyId=kid)
        disabled = kms.create_key(Description="disabled one")["KeyMetadata"]["KeyId"]
        kms.disable_key(KeyId=disabled)
        blob = kms.encrypt(KeyId="alias/keep", Plaintext=b"kms plaintext",
                           EncryptionContext={"purpose": "restart"})["CiphertextBlob"]
        return {"alice": (key["AccessKeyId"], key["SecretAccessKey"]), "blob": blob, "key": kid}

    def snapshot(self):
        inst = self.inst
        s3, iam, kms = inst.client("s3"), inst.client("iam"), inst.client("kms")
        snap = {"buckets": sorted(b["Name"] for b in s3.list_buckets()["Buckets"])}
        for bucket in ("keep-plain", "keep-versioned"):
            versions = s3.list_object_versions(Bucket=bucket)
            snap[bucket + "/versions"] = [(v["Key"], v["VersionId"], v["ETag"], v["Size"], v["IsLatest"])
                                          for v in versions.get("Versions", [])]
            snap[bucket + "/markers"] = [(m["Key"], m["VersionId"]) for m in versions.get("DeleteMarkers", [])]
            for key, vid, *_ in snap[bucket + "/versions"]:
                got = s3.get_object(Bucket=bucket, Key=key, VersionId=vid)
                snap[f"{bucket}/{key}@{vid}"] = (hashlib.sha256(got["Body"].read()).hexdigest(),
                                                 got["ContentType"], got["Metadata"], got["ServerSideEncryption"])
        snap["versioning"] = s3.get_bucket_versioning(Bucket="keep-versioned")["Status"]
        snap["users"] = [u["UserName"] for u in iam.list_users()["Users"]]
        snap["alice-keys"] = [k["AccessKeyId"] for k in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]]
        snap["alice-inline"] = iam.get_user_policy(UserName="alice", PolicyName="read")["PolicyDocument"]
        snap["alice-attached"] = [p["PolicyArn"] for p in
                                  iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]]
        keys = sorted(k["KeyId"] for k in kms.list_keys()["Keys"])
        snap["kms-keys"] = [(k, kms.describe_key(KeyId=k)["KeyMetadata"]["KeyState"],
                             kms.describe_key(KeyId=k)["KeyMetadata"]["Description"]) for k in keys]
        snap["aliases"] = sorted((a["AliasName"], a.get("TargetKeyId")) for a in kms.list_aliases()["Aliases"])
        snap["root-key"] = inst.root_credentials()[0]
        return snap

    def check_after(self, before, made, how):
        self.inst._creds = None  # read the root keys again
        self.assertEqual(self.snapshot(), before, f"state changed across {how}")
        plain = self.inst.client("kms").decrypt(CiphertextBlob=made["blob"],
                                                EncryptionContext={"purpose": "restart"})
        self.assertEqual(plain["Plaintext"], b"kms plaintext", how)
        ak, sk = made["alice"]
        ident = self.inst.client("sts", aws_access_key_id=ak, aws_secret_access_key=sk).get_caller_identity()
        self.assertEqual(ident["Arn"], "arn:aws:iam::111122223333:user/alice", how)
        alice_s3 = self.inst.client("s3", aws_access_key_id=ak, aws_secret_access_key=sk)
        self.assertEqual(alice_s3.get_object(Bucket="keep-plain", Key="a/small.txt")["Body"].read(),
                         b"small object\n", how)

    def test_clean_restart_then_kill9_keep_everything(self):
        made = self.populate()
        before = self.snapshot()
        self.assertEqual(len(before["keep-versioned/versions"]), 3)
        self.assertEqual(len(before["keep-versioned/markers"]), 1)
        self.assertEqual(self.inst.stop(), (0, 0), "SIGTERM must stop both services cleanly")
        self.inst.start_services()
        self.check_after(before, made, "a clean restart")
        self.inst.kill9()
        self.inst.start_services()
        self.check_after(before, made, "kill -9 and restart")


class KillDuringUploadsTest(unittest.TestCase):
    THREADS = 8
    RUN_SECONDS = 2.0  # at least this long, and until MIN_ACKED uploads were acknowledged (30 s max)
    MIN_ACKED = 24

    def test_acknowledged_objects_survive_and_no_partial_object_is_visible(self):
        with Instance() as inst:
            inst.client("s3").create_bucket(Bucket="crash")
            intended, acked, lock, errors = {}, set(), threading.Lock(), []
            stop = threading.Event()
            # No retries: an upload cut by the kill must fail, not be replayed against the new process.
            cfg = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)

            def uploader(n):  # odd workers use HTTPS, where botocore streams aws-chunked bodies
                s3 = inst.client("s3", https=n % 2 == 1, config=cfg)
                rnd = random.Random(n)
                i = 0
                while not stop.is_set():
                    key = f"t{n}/obj-{i}"
                    i += 1
                    multipart = i % 5 == 0
                    size = rnd.randint(6 * MIB, 12 * MIB) if multipart else rnd.randint(1, 2 * MIB)
                    data = body_for(key, size)
                    with lock:
                        intended[key] = (size, hashlib.sha256(data).hexdigest())
                    try:
                        if multipart:
                            s3.upload_fileobj(io.BytesIO(data), "crash", key, Config=TransferConfig(
                                multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, max_concurrency=2))
                        else:
                            s3.put_object(Bucket="crash", Key=key, Body=data)
                    except Exception as e:  # noqa: the kill cuts uploads in every possible place
                        errors.append(f"{key}: {e!r}"[:300])
                        return
                    with lock:
                        acked.add(key)

            threads = [threading.Thread(target=uploader, args=(n,), daemon=True) for n in range(self.THREADS)]
            for t in threads:
                t.start()
            deadline = time.monotonic() + 30
            time.sleep(self.RUN_SECONDS)
            while len(acked) < self.MIN_ACKED and time.monotonic() < deadline and any(t.is_alive() for t in threads):
                time.sleep(0.1)
            killed_at = len(acked)
            inst.kill9()
            stop.set()
            for t in threads:
                t.join(60)
            early = [e for e in errors if "Connect" not in e and "Connection" not in e]
            self.assertGreater(killed_at, 0, f"no upload was acknowledged before the kill; errors: {early}")

            inst.start_services()
            s3 = inst.client("s3")
            visible = {}
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket="crash"):
                for obj in page.get("Contents", []):
                    visible[obj["Key"]] = obj["Size"]
            missing = sorted(acked - visible.keys())
            self.assertEqual(missing, [], "acknowledged objects lost by kill -9")
            for key, size in visible.items():
                self.assertIn(key, intended, f"unexpected key {key}")
                got = s3.get_object(Bucket="crash", Key=key)["Body"].read()
                self.assertEqual((len(got), hashlib.sha256(got).hexdigest()), intended[key],
                                 f"{key} is visible but not the complete body that was sent")
                self.assertEqual(size, intended[key][0], f"listed size of {key}")
            for key in sorted(intended.keys() - visible.keys()):
                with self.assertRaises(ClientError, msg=key) as cm:
                    s3.head_object(Bucket="crash", Key=key)
                self.assertEqual(cm.exception.response["Error"]["Code"], "404", key)
            print(f"\n  kill -9: {len(acked)} acknowledged, {len(visible)} visible, "
                  f"{len(intended) - len(acked)} in flight", flush=True)


if __name__ == "__main__":
    unittest.main()
