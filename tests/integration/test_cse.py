"""`s3lab cse put/get` (client-side encryption, Amazon S3 Encryption Client v2 format, kms+context)
checked against an INDEPENDENT implementation written here with Python's `cryptography` package and
boto3's KMS client: what `cse put` writes, Python decrypts; what Python writes the way the AWS clients
do, `cse get` reads byte-identically. S3 only ever holds ciphertext (plain GetObject, data dir scan).
Refusals: tampered ciphertext, altered matdesc, a --context that does not match, foreign formats, KMS
errors (code printed), a user without kms:Decrypt."""
import base64
import json
import os
import secrets
import subprocess
import tempfile
import unittest

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import harness
from harness import InstanceTestCase

MIB = 1024 * 1024
CEK = "AES/GCM/NoPadding"


class CseTest(InstanceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="s3lab-cse-")
        cls.s3, cls.kms = cls.inst.client("s3"), cls.inst.client("kms")
        cls.bucket = "cse-" + secrets.token_hex(4)
        cls.s3.create_bucket(Bucket=cls.bucket)
        key = cls.kms.create_key(Description="cse test")["KeyMetadata"]
        cls.key_id, cls.key_arn = key["KeyId"], key["Arn"]
        cls.kms.create_alias(AliasName="alias/cse-test", TargetKeyId=cls.key_id)
        cls.marker = b"S3LAB-CSE-PLAINTEXT-" + secrets.token_hex(10).encode()

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    # ---- helpers ------------------------------------------------------------------------------------
    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def cse(self, *args, env=None):
        """build/labs/s3lab cse <args> <instance flags>; returns (rc, stdout, stderr)."""
        if env is None:
            return self.inst.s3lab("cse", *args)
        p = subprocess.run([harness.CLI_BIN, "cse", *args, *self.inst.cli_flags()], capture_output=True,
                           text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr

    def put(self, name, data, key, *extra):
        path = self.write(name, data)
        rc, out, err = self.cse("put", path, f"s3://{self.bucket}/{key}", "--key-id", "alias/cse-test", *extra)
        self.assertEqual(rc, 0, out + err)
        return out

    def independent_decrypt(self, key):
        """Decrypts an object with boto3 + cryptography only; returns (plaintext, metadata, stored body)."""
        obj = self.s3.get_object(Bucket=self.bucket, Key=key)
        body, meta = obj["Body"].read(), obj["Metadata"]
        context = json.loads(meta["x-amz-matdesc"])
        dk = self.kms.decrypt(CiphertextBlob=base64.b64decode(meta["x-amz-key-v2"]), EncryptionContext=context)
        self.assertEqual(dk["KeyId"], self.key_arn)
        plain = AESGCM(dk["Plaintext"]).decrypt(base64.b64decode(meta["x-amz-iv"]), body, None)
        return plain, meta, body

    def python_put(self, key, data, context, **overrides):
        """Writes an object the way the S3 Encryption Client v2 does (kms+context), in Python."""
        ec = dict(context, **{"aws:x-amz-cek-alg": CEK})
        dk = self.kms.generate_data_key(KeyId=self.key_id, KeySpec="AES_256", EncryptionContext=ec)
        iv = os.urandom(12)
        body = AESGCM(dk["Plaintext"]).encrypt(iv, data, None)
        meta = {"x-amz-key-v2": base64.b64encode(dk["CiphertextBlob"]).decode(),
                "x-amz-iv": base64.b64encode(iv).decode(), "x-amz-matdesc": json.dumps(ec),
                "x-amz-wrap-alg": "kms+context", "x-amz-cek-alg": CEK, "x-amz-tag-len": "128",
                "x-amz-unencrypted-content-length": str(len(data))}
        meta.update(overrides)
        meta = {k: v for k, v in meta.items() if v is not None}
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, Metadata=meta)
        return body, meta

    # ---- cse put, read independently ---------------------------------------------------------------
    def test_put_is_v2_format_and_decrypts_independently(self):
        data = self.marker + b" quarterly numbers\n" * 50
        out = self.put("report.txt", data, "docs/report.txt", "--context", "project=alpha")
        self.assertIn("GenerateDataKey", out)
        self.assertIn(self.key_arn, out)
        plain, meta, body = self.independent_decrypt("docs/report.txt")
        self.assertEqual(plain, data)
        self.assertEqual(json.loads(meta["x-amz-matdesc"]), {"aws:x-amz-cek-alg": CEK, "project": "alpha"})
        self.assertEqual(meta["x-amz-matdesc"], '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","project":"alpha"}')
        self.assertEqual(meta["x-amz-wrap-alg"], "kms+context")
        self.assertEqual(meta["x-amz-cek-alg"], CEK)
        self.assertEqual(meta["x-amz-tag-len"], "128")
        self.assertEqual(meta["x-amz-unencrypted-content-length"], str(len(data)))
        self.assertEqual(len(base64.b64decode(meta["x-amz-iv"])), 12)
        self.assertEqual(set(meta), {"x-amz-key-v2", "x-amz-iv", "x-amz-matdesc", "x-amz-wrap-alg",
                                     "x-amz-cek-alg", "x-amz-tag-len", "x-amz-unencrypted-content-length"})
        # What S3 stores and serves to a plain client: ciphertext || 16-byte tag.
        self.assertEqual(len(body), len(data) + 16)
        self.assertNotEqual(body[:len(data)], data)
        self.assertNotIn(self.marker, body)
        # The data key is bound to the context: KMS refuses it under another one.
        self.assertCode(self.kms.decrypt, "InvalidCiphertextException",
                        CiphertextBlob=base64.b64decode(meta["x-amz-key-v2"]),
                        EncryptionContext={"aws:x-amz-cek-alg": CEK, "project": "beta"})

    def test_put_without_context_and_empty_file(self):
        self.put("empty.bin", b"", "dir/empty file+1.bin")  # a key that needs URI encoding
        plain, meta, body = self.independent_decrypt("dir/empty file+1.bin")
        self.assertEqual(plain, b"")
        self.assertEqual(len(body), 16)
        self.assertEqual(meta["x-amz-matdesc"], '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding"}')
        target = os.path.join(self.tmp, "empty.out")
        rc, out, err = self.cse("get", f"s3://{self.bucket}/dir/empty file+1.bin", target)
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(self.read(target), b"")

    # ---- written in Python, read by cse get --------------------------------------------------------
    def test_python_written_object_read_by_cse_get(self):
        data = os.urandom(3 * MIB + 123) + self.marker
        self.python_put("py/blob.bin", data, {"team": "blue", "env": "lab"})
        target = os.path.join(self.tmp, "blob.out")
        rc, out, err = self.cse("get", f"s3://{self.bucket}/py/blob.bin", target)
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(self.read(target), data)
        self.assertIn("Decrypt", out)
        # --context must equal the stored pairs (the Java client's rule).
        rc, out, err = self.cse("get", f"s3://{self.bucket}/py/blob.bin", target + "2",
                                "--context", "team=blue", "--context", "env=lab", "--key-id", self.key_arn)
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(self.read(target + "2"), data)
        rc, out, err = self.cse("get", f"s3://{self.bucket}/py/blob.bin", target + "3", "--context", "team=red")
        self.assertEqual(rc, 1)
        self.assertIn("does not match the encryption context", err)
        self.assertFalse(os.path.exists(target + "3"))

    def test_python_written_without_optional_length(self):
        data = b"no length header " + self.marker
        self.python_put("py/nolen.txt", data, {}, **{"x-amz-unencrypted-content-length": None})
        target = os.path.join(self.tmp, "nolen.out")
        rc, out, err = self.cse("get", f"s3://{self.bucket}/py/nolen.txt", target)
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(self.read(target), data)

    # ---- refusals -----------------------------------------------------------------------------------
    def test_tampered_ciphertext_is_refused(self):
        data = b"pay 100 EUR to alice " + self.marker
        self.put("pay.txt", data, "pay.txt")
        obj = self.s3.get_object(Bucket=self.bucket, Key="pay.txt")
        body = bytearray(obj["Body"].read())
        body[4] ^= 0x01  # one bit of the ciphertext
        self.s3.put_object(Bucket=self.bucket, Key="pay.txt", Body=bytes(body), Metadata=obj["Metadata"])
        target = os.path.join(self.tmp, "pay.out")
        rc, out, err = self.cse("get", f"s3://{self.bucket}/pay.txt", target)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("authentication tag does not match", err)
        self.assertEqual(len(err.strip().splitlines()), 1)
        self.assertFalse(os.path.exists(target))
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".s3lab-cse-")], [])

    def test_altered_matdesc_fails_in_kms(self):
        self.put("ctx.txt", b"context bound " + self.marker, "ctx.txt", "--context", "project=alpha")
        meta = self.s3.head_object(Bucket=self.bucket, Key="ctx.txt")["Metadata"]
        meta["x-amz-matdesc"] = json.dumps({"aws:x-amz-cek-alg": CEK, "project": "beta"})
        self.s3.copy_object(Bucket=self.bucket, Key="ctx.txt", CopySource={"Bucket": self.bucket, "Key": "ctx.txt"},
                            Metadata=meta, MetadataDirective="REPLACE")
        target = os.path.join(self.tmp, "ctx.out")
        rc, out, err = self.cse("get", f"s3://{self.bucket}/ctx.txt", target)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("KMS Decrypt failed: InvalidCiphertextException", err)
        self.assertFalse(os.path.exists(target))

    def test_foreign_formats_are_refused(self):
        self.s3.put_object(Bucket=self.bucket, Key="plain.txt", Body=b"plain")
        self.python_put("v1.bin", b"x", {}, **{"x-amz-key-v2": None, "x-amz-key": "AAAA"})
        self.python_put("cbc.bin", b"x", {}, **{"x-amz-cek-alg": "AES/CBC/PKCS5Padding"})
        self.python_put("wrap.bin", b"x", {}, **{"x-amz-wrap-alg": "kms"})
        self.python_put("notag.bin", b"x", {}, **{"x-amz-tag-len": None})
        cases = {"plain.txt": "not a client-side encrypted object",
                 "v1.bin": "v1 format (x-amz-key) is not supported",
                 "cbc.bin": "content algorithm 'AES/CBC/PKCS5Padding' is not supported",
                 "wrap.bin": "key wrap algorithm 'kms' is not supported",
                 "notag.bin": "x-amz-tag-len is missing"}
        for key, reason in cases.items():
            with self.subTest(key=key):
                rc, out, err = self.cse("get", f"s3://{self.bucket}/{key}", os.path.join(self.tmp, key + ".out"))
                self.assertEqual(rc, 1, out + err)
                self.assertIn(reason, err)
        rc, out, err = self.cse("get", f"s3://{self.bucket}/missing", os.path.join(self.tmp, "missing.out"))
        self.assertEqual(rc, 1)
        self.assertIn("S3 GetObject failed: NoSuchKey", err)

    def test_kms_errors_are_reported_with_their_code(self):
        path = self.write("k.txt", b"x")
        rc, out, err = self.cse("put", path, f"s3://{self.bucket}/k.txt", "--key-id", "alias/does-not-exist")
        self.assertEqual(rc, 1)
        self.assertIn("KMS GenerateDataKey failed: NotFoundException", err)
        rc, out, err = self.cse("put", path, f"s3://{self.bucket}/k.txt", "--key-id", self.key_id,
                                "--context", "aws:x-amz-cek-alg=x")
        self.assertEqual(rc, 1)
        self.assertIn("reserved", err)
        self.assertCode(self.s3.head_object, "404", Bucket=self.bucket, Key="k.txt")

    def test_user_without_kms_decrypt_env_credentials(self):
        iam = self.inst.client("iam")
        iam.create_user(UserName="cse-writer")
        iam.put_user_policy(UserName="cse-writer", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "*"},
                {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": self.key_arn}]}))
        ak = iam.create_access_key(UserName="cse-writer")["AccessKey"]
        env = self.inst.env(access_key=ak["AccessKeyId"], secret_key=ak["SecretAccessKey"])
        path = self.write("w.txt", b"written by a user " + self.marker)
        rc, out, err = self.cse("put", path, f"s3://{self.bucket}/w.txt", "--key-id", self.key_arn, env=env)
        self.assertEqual(rc, 0, out + err)
        self.assertIn(ak["AccessKeyId"] + " (from AWS_ACCESS_KEY_ID)", out)
        rc, out, err = self.cse("get", f"s3://{self.bucket}/w.txt", os.path.join(self.tmp, "w.out"), env=env)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("KMS Decrypt failed: AccessDeniedException", err)
        # The root user (no AWS_* variables: keys from iam.db) reads it.
        rc, out, err = self.cse("get", f"s3://{self.bucket}/w.txt", os.path.join(self.tmp, "w.out"))
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(self.read(os.path.join(self.tmp, "w.out")), b"written by a user " + self.marker)

    def test_https_endpoints_from_environment(self):
        # NOTE: AWS_SESSION_TOKEN is passed through too, but the emulator issues no session credentials yet.
        env = self.inst.env(https=True)
        access_key = env["AWS_ACCESS_KEY_ID"]
        data = b"over TLS " + self.marker
        path = self.write("tls.txt", data)
        rc, out, err = self.cse("put", path, f"s3://{self.bucket}/tls.txt", "--key-id", self.key_id, env=env)
        self.assertEqual(rc, 0, out + err)
        self.assertIn(f"KMS GenerateDataKey ({self.inst.endpoint('kms', https=True)})", out)
        self.assertIn(f"S3 PutObject ({self.inst.endpoint('s3', https=True)})", out)
        self.assertIn(access_key + " (from AWS_ACCESS_KEY_ID)", out)
        self.assertEqual(self.independent_decrypt("tls.txt")[0], data)
        target = os.path.join(self.tmp, "tls.out")
        rc, out, err = self.cse("get", f"s3://{self.bucket}/tls.txt", target, env=env)
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(self.read(target), data)
        # A CA bundle that does not hold the lab CA: the TLS handshake is refused.
        env["AWS_CA_BUNDLE"] = self.write("other-ca.pem", b"")
        rc, out, err = self.cse("get", f"s3://{self.bucket}/tls.txt", target + "2", env=env)
        self.assertEqual(rc, 1, out + err)
        self.assertFalse(os.path.exists(target + "2"))

    # ---- size and disk ------------------------------------------------------------------------------
    def test_20_mib_round_trip_and_no_plaintext_on_disk(self):
        data = (self.marker + b"\n" + os.urandom(4000)) * (20 * MIB // 4040)
        self.put("big.bin", data, "big.bin", "--context", "size=20MiB")
        plain, meta, body = self.independent_decrypt("big.bin")
        self.assertEqual(plain, data)
        self.assertEqual(len(body), len(data) + 16)
        target = os.path.join(self.tmp, "big.out")
        rc, out, err = self.cse("get", f"s3://{self.bucket}/big.bin", target)
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(self.read(target), data)
        self.assertIn(f"{len(data)} bytes of plaintext written", out)
        for path in self.inst.data_files():
            with open(path, "rb") as f:
                self.assertNotIn(self.marker, f.read(), path)


if __name__ == "__main__":
    unittest.main()
