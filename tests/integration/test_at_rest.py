"""What is on disk: objects written every way a client writes them (PutObject over HTTP, aws-chunked over
HTTPS, `aws s3 cp` multipart, CopyObject, a new version) and KMS plaintexts never appear in any file of
the data dir (databases, WAL and shm files, trail), in raw, hex or base64 form, while the services run
and after they stop. The master key's bytes appear only in master.key, and a data key returned by
GenerateDataKey appears nowhere.
NOTE: SSE-S3 data keys are not observable from outside, so their absence cannot be checked here; the
unit tests of emulator/sse own that."""
import base64
import os
import secrets
import tempfile
import unittest

from harness import InstanceTestCase

MIB = 1024 * 1024


def forms(secret):
    """Byte patterns that would betray `secret` on disk: raw, hex (both cases) and base64 at the three
    alignments (the middle of a longer base64 text)."""
    out = {"raw": secret, "hex": secret.hex().encode(), "HEX": secret.hex().upper().encode()}
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + secret)[4 if shift else 0:]
        out[f"base64+{shift}"] = enc[:max(16, len(enc) - 4)]
    return out


def find_in_files(paths, needles, skip=()):
    """[(file, form name)] for every needle found in a file (files in `skip` ignored)."""
    hits = []
    for path in paths:
        if os.path.basename(path) in skip:
            continue
        with open(path, "rb") as f:
            data = f.read()
        hits += [(path, name) for name, needle in needles.items() if needle in data]
    return hits


class NothingSecretAtRestTest(InstanceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marker = b"S3LAB-PLAINTEXT-MARKER-" + secrets.token_hex(12).encode()
        cls.body = (cls.marker + b" lorem ipsum ") * 40
        inst = cls.inst
        s3, s3_tls = inst.client("s3"), inst.client("s3", https=True)
        s3.create_bucket(Bucket="at-rest")
        s3.put_object(Bucket="at-rest", Key="small.txt", Body=cls.body)
        s3_tls.put_object(Bucket="at-rest", Key="chunked.bin", Body=cls.body * 3000)  # ~4 MiB aws-chunked
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "multi.bin")
            with open(path, "wb") as f:
                f.write(cls.body * (12 * MIB // len(cls.body)))
            rc, out, err = inst.aws("s3", "cp", path, "s3://at-rest/multi.bin")
            assert rc == 0, err
        s3.copy_object(Bucket="at-rest", Key="copy.txt", CopySource={"Bucket": "at-rest", "Key": "small.txt"})
        s3.create_bucket(Bucket="at-rest-versions")
        s3.put_bucket_versioning(Bucket="at-rest-versions", VersioningConfiguration={"Status": "Enabled"})
        for i in range(2):
            s3.put_object(Bucket="at-rest-versions", Key="v.txt", Body=cls.body + str(i).encode())
        kms = inst.client("kms")
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        cls.blob = kms.encrypt(KeyId=kid, Plaintext=cls.marker + b" via KMS Encrypt")["CiphertextBlob"]
        cls.data_key = kms.generate_data_key(KeyId=kid, KeySpec="AES_256")["Plaintext"]
        assert len(cls.data_key) == 32

    def assertNowhere(self, needles, what, skip=()):
        files = self.inst.data_files()
        self.assertTrue(any(f.endswith("s3.db") for f in files), f"no s3.db in {files}")
        hits = find_in_files(files, needles, skip)
        rel = [(os.path.relpath(p, self.inst.data_dir), form) for p, form in hits]
        self.assertEqual(rel, [], f"{what} found on disk")

    def test_objects_read_back_intact(self):
        s3 = self.inst.client("s3")
        self.assertEqual(s3.get_object(Bucket="at-rest", Key="small.txt")["Body"].read(), self.body)
        self.assertEqual(s3.get_object(Bucket="at-rest", Key="copy.txt")["Body"].read(), self.body)
        self.assertEqual(s3.get_object(Bucket="at-rest", Key="chunked.bin")["Body"].read(), self.body * 3000)

    def test_no_plaintext_marker_while_running(self):
        self.assertNowhere(forms(self.marker), "object/KMS plaintext")

    def test_no_kms_data_key_on_disk(self):
        self.assertNowhere(forms(self.data_key), "GenerateDataKey plaintext data key")

    def test_master_key_only_in_master_key_file(self):
        path = os.path.join(self.inst.data_dir, "master.key")
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600, "master.key must be mode 0600")
        with open(path, "rb") as f:
            raw = f.read()
        key = bytes.fromhex(raw.decode().strip()) if len(raw.strip()) == 64 else raw
        self.assertGreaterEqual(len(key), 32, "master.key shorter than 32 bytes")
        self.assertNowhere(forms(key), "master key bytes", skip=("master.key",))

    def test_tls_private_key_is_private(self):
        key = os.path.join(self.inst.data_dir, "tls", "server.key")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)

    def test_zz_no_plaintext_after_a_clean_stop(self):
        # Runs last in this class (name order): stops the services, checkpointing WAL files.
        self.inst.stop()
        try:
            self.assertNowhere(forms(self.marker), "object/KMS plaintext after stop")
            self.assertNowhere(forms(self.data_key), "data key after stop")
        finally:
            self.inst.start_services()


if __name__ == "__main__":
    unittest.main()
