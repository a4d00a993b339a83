"""Glacier vaults, archives and Vault Lock on the S3 process (emulator/glacier/glacier_api.h), driven by boto3
and the aws CLI (v1) with default settings; the lab clock moves lock ids and archive ages."""
import io
import json
import os
import sqlite3
import time

from botocore.utils import calculate_tree_hash

import harness
from harness import InstanceTestCase

ACCOUNT = harness.ACCOUNT_ID
REGION = harness.REGION


def vault_arn(name):
    return f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/{name}"


def retention_policy(name, days=365):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "deny-young-deletes", "Principal": "*", "Effect": "Deny", "Action": "glacier:DeleteArchive",
        "Resource": vault_arn(name), "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": str(days)}}}]})


class GlacierTest(InstanceTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.glacier = cls.inst.client("glacier")

    def tearDown(self):
        self.clock("reset")
        super().tearDown()

    def clock(self, delta):
        rc, out, err = self.inst.s3lab("clock", delta)
        self.assertEqual(rc, 0, out + err)
        time.sleep(1.1)  # both services follow the lab clock within a second

    def test_vault_lifecycle_with_aws_texts(self):
        g = self.glacier
        self.assertEqual(g.create_vault(vaultName="gl-life")["location"], f"/{ACCOUNT}/vaults/gl-life")
        g.create_vault(vaultName="gl-life")  # idempotent
        d = g.describe_vault(vaultName="gl-life")
        self.assertEqual((d["VaultARN"], d["VaultName"], d["NumberOfArchives"], d["SizeInBytes"]),
                         (vault_arn("gl-life"), "gl-life", 0, 0))
        self.assertRegex(d["CreationDate"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        body = b"archive bytes " * 100000  # 1.4 MB: a tree of two 1 MiB leaves
        up = g.upload_archive(vaultName="gl-life", body=body, archiveDescription="two leaves")
        self.assertEqual(up["checksum"], calculate_tree_hash(io.BytesIO(body)))
        self.assertEqual(len(up["archiveId"]), 138)
        self.assertEqual(up["location"], f"/{ACCOUNT}/vaults/gl-life/archives/{up['archiveId']}")
        d = g.describe_vault(vaultName="gl-life")
        self.assertEqual((d["NumberOfArchives"], d["SizeInBytes"]), (1, len(body)))
        self.assertCode(g.delete_vault, "InvalidParameterValueException", 400,
                        f"Vault not empty or recently written to: {vault_arn('gl-life')}", vaultName="gl-life")
        g.delete_archive(vaultName="gl-life", archiveId=up["archiveId"])
        self.assertCode(g.delete_archive, "InvalidParameterValueException", 400,
                        f"Invalid vault name: {vault_arn('gl-life')}", vaultName="gl-life", archiveId=up["archiveId"])
        g.delete_vault(vaultName="gl-life")
        self.assertCode(g.describe_vault, "ResourceNotFoundException", 404,
                        f"Vault not found for ARN: {vault_arn('gl-life')}", vaultName="gl-life")

    def test_list_vaults_pages_with_the_vault_arn_as_marker(self):
        for name in ("gl-page-a", "gl-page-b", "gl-page-c"):
            self.glacier.create_vault(vaultName=name)
        first = self.glacier.list_vaults(limit="2")
        names = [v["VaultName"] for v in first["VaultList"]]
        self.assertEqual(len(names), 2)
        self.assertEqual(first["Marker"], vault_arn(names[-1]))
        rest, marker = [], first["Marker"]
        while marker:
            page = self.glacier.list_vaults(limit="2", marker=marker)
            rest += [v["VaultName"] for v in page["VaultList"]]
            marker = page.get("Marker")
        self.assertEqual(sorted(names + rest), names + rest)
        self.assertTrue({"gl-page-a", "gl-page-b", "gl-page-c"} <= set(names + rest))

    def test_wrong_tree_hash_or_oversized_archive_is_refused_and_archives_are_encrypted_at_rest(self):
        g = self.glacier
        g.create_vault(vaultName="gl-hash")
        plain = b"glacier plaintext marker 7f3a " * 10
        self.assertCode(g.upload_archive, "InvalidParameterValueException", 400, vaultName="gl-hash", body=plain,
                        checksum="0" * 64)
        g.upload_archive(vaultName="gl-hash", body=plain)
        self.assertCode(g.upload_archive, "InvalidParameterValueException", 400,
                        "s3lab keeps archives of up to 64 MiB (UploadArchive)", vaultName="gl-hash",
                        body=b"a" * (64 * 1024 * 1024 + 1))
        self.assertEqual(g.describe_vault(vaultName="gl-hash")["NumberOfArchives"], 1)
        for name in os.listdir(self.inst.data_dir):
            if name.startswith("glacier.db"):
                with open(os.path.join(self.inst.data_dir, name), "rb") as f:
                    self.assertNotIn(b"glacier plaintext marker", f.read(), name)

    def test_vault_lock_window_retention_and_immutability(self):
        g, name = self.glacier, "gl-lock"
        g.create_vault(vaultName=name)
        archive = g.upload_archive(vaultName=name, body=b"keep me")["archiveId"]
        lock_id = g.initiate_vault_lock(vaultName=name, policy={"Policy": retention_policy(name)})["lockId"]
        lock = g.get_vault_lock(vaultName=name)
        self.assertEqual(lock["State"], "InProgress")
        self.assertEqual(json.loads(lock["Policy"]), json.loads(retention_policy(name)))
        # In progress: enforced already (root included), and a second Initiate is refused.
        err = self.assertCode(g.delete_archive, "AccessDeniedException", 403, vaultName=name, archiveId=archive)
        self.assertEqual(err["Error"]["Message"],
                         f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: glacier:DeleteArchive on "
                         f"resource: {vault_arn(name)} with an explicit deny in a resource-based policy")
        self.assertCode(g.initiate_vault_lock, "AccessDeniedException", 403, vaultName=name,
                        policy={"Policy": retention_policy(name)})
        # Abort is allowed while in progress; the policy is gone and the delete would pass.
        g.abort_vault_lock(vaultName=name)
        self.assertCode(g.get_vault_lock, "ResourceNotFoundException", 404, vaultName=name)
        self.assertCode(g.complete_vault_lock, "InvalidParameterValueException", 400, vaultName=name, lockId=lock_id)
        # Again, and this time completed: Locked, no expiry, no abort, no new lock.
        lock_id = g.initiate_vault_lock(vaultName=name, policy={"Policy": retention_policy(name)})["lockId"]
        self.assertCode(g.complete_vault_lock, "InvalidParameterValueException", 400, vaultName=name, lockId="nope")
        g.complete_vault_lock(vaultName=name, lockId=lock_id)
        g.complete_vault_lock(vaultName=name, lockId=lock_id)  # again: a no-op
        lock = g.get_vault_lock(vaultName=name)
        self.assertEqual(lock["State"], "Locked")
        self.assertNotIn("ExpirationDate", lock)
        self.assertCode(g.abort_vault_lock, "AccessDeniedException", 403, vaultName=name)
        self.assertCode(g.initiate_vault_lock, "AccessDeniedException", 403, vaultName=name,
                        policy={"Policy": retention_policy(name, 1)})
        self.assertCode(g.delete_archive, "AccessDeniedException", 403, vaultName=name, archiveId=archive)
        # The retention is in archive age: 366 days later the delete passes.
        self.clock("+366d")
        g.delete_archive(vaultName=name, archiveId=archive)
        self.assertEqual(g.describe_vault(vaultName=name)["NumberOfArchives"], 0)

    def test_uncompleted_lock_id_expires_after_24_hours(self):
        g, name = self.glacier, "gl-expire"
        g.create_vault(vaultName=name)
        lock_id = g.initiate_vault_lock(vaultName=name, policy={"Policy": retention_policy(name)})["lockId"]
        created = g.get_vault_lock(vaultName=name)
        self.assertGreater(created["ExpirationDate"], created["CreationDate"])
        self.clock("+25h")
        self.assertCode(g.get_vault_lock, "ResourceNotFoundException", 404, vaultName=name)
        self.assertCode(g.complete_vault_lock, "InvalidParameterValueException", 400, vaultName=name, lockId=lock_id)
        g.initiate_vault_lock(vaultName=name, policy={"Policy": retention_policy(name)})  # a new window

    def test_access_policy_and_identity_policies(self):
        g, name = self.glacier, "gl-access"
        g.create_vault(vaultName=name)
        iam = self.inst.client("iam")
        iam.create_user(UserName="gl-reader")
        key = iam.create_access_key(UserName="gl-reader")["AccessKey"]
        user = self.inst.client("glacier", aws_access_key_id=key["AccessKeyId"],
                                aws_secret_access_key=key["SecretAccessKey"])
        err = self.assertCode(user.describe_vault, "AccessDeniedException", 403, vaultName=name)
        self.assertIn("because no identity-based policy allows the glacier:DescribeVault action",
                      err["Error"]["Message"])
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "reader", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/gl-reader"},
            "Action": "glacier:DescribeVault", "Resource": vault_arn(name)}]})
        g.set_vault_access_policy(vaultName=name, policy={"Policy": policy})
        self.assertEqual(g.get_vault_access_policy(vaultName=name)["policy"]["Policy"], policy)
        self.assertEqual(user.describe_vault(vaultName=name)["VaultName"], name)
        self.assertCode(user.delete_vault, "AccessDeniedException", 403, vaultName=name)
        g.delete_vault_access_policy(vaultName=name)
        self.assertCode(g.get_vault_access_policy, "ResourceNotFoundException", 404, vaultName=name)
        self.assertCode(user.describe_vault, "AccessDeniedException", 403, vaultName=name)
        self.assertCode(g.set_vault_access_policy, "InvalidParameterValueException", 400, vaultName=name,
                        policy={"Policy": "{not json"})

    def test_every_call_is_a_cloudtrail_management_event(self):
        g, name = self.glacier, "gl-trail"
        g.create_vault(vaultName=name)
        lock = g.initiate_vault_lock(vaultName=name, policy={"Policy": retention_policy(name)})
        archive = g.upload_archive(vaultName=name, body=b"x")["archiveId"]
        self.assertCode(g.delete_archive, "AccessDeniedException", 403, vaultName=name, archiveId=archive)
        trail = self.inst.client("cloudtrail")
        events = trail.lookup_events(LookupAttributes=[
            {"AttributeKey": "EventSource", "AttributeValue": "glacier.amazonaws.com"}])["Events"]
        records = {}
        for e in events:
            r = json.loads(e["CloudTrailEvent"])
            if r["requestParameters"].get("vaultName") == name:
                records.setdefault(r["eventName"], r)
        self.assertTrue({"CreateVault", "InitiateVaultLock", "UploadArchive", "DeleteArchive"} <= set(records))
        create = records["CreateVault"]
        self.assertEqual((create["eventCategory"], create["managementEvent"], create["readOnly"]),
                         ("Management", True, False))
        self.assertEqual(create["requestParameters"], {"accountId": "-", "vaultName": name})
        self.assertEqual(create["responseElements"], {"location": f"/{ACCOUNT}/vaults/{name}"})
        self.assertEqual(records["InitiateVaultLock"]["responseElements"], {"lockId": lock["lockId"]})
        self.assertEqual(records["UploadArchive"]["responseElements"]["archiveId"], archive)
        denied = records["DeleteArchive"]
        self.assertEqual((denied["errorCode"], denied["requestParameters"]["archiveId"]),
                         ("AccessDeniedException", archive))
        self.assertIsNone(denied["responseElements"])
        with sqlite3.connect(os.path.join(self.inst.data_dir, "trail.db")) as db:
            (decision,) = db.execute("SELECT decision FROM events WHERE event_id = ?", (denied["eventID"],)).fetchone()
        self.assertEqual(json.loads(decision)["sid"], "deny-young-deletes")

    def test_aws_cli_and_unimplemented_operations(self):
        rc, out, err = self.inst.aws("glacier", "create-vault", "--account-id", "-", "--vault-name", "gl-cli")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.inst.aws("glacier", "list-vaults", "--account-id", "-")
        self.assertEqual(rc, 0, err)
        self.assertIn("gl-cli", [v["VaultName"] for v in json.loads(out)["VaultList"]])
        self.assertCode(self.glacier.list_jobs, "NotImplemented", 501, vaultName="gl-cli")
        self.assertCode(self.glacier.describe_vault, "AccessDeniedException", 403, accountId="444455556666",
                        vaultName="gl-cli")
