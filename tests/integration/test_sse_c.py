"""SSE-C end to end over the HTTPS listener (AWS-REFERENCE §5): boto3 (SSECustomerAlgorithm /
SSECustomerKey, botocore adds the base64 and the MD5) and the aws CLI (`s3 cp --sse-c`, `s3api
--sse-customer-*`, AWS_CA_BUNDLE). Round trips are byte-identical; responses echo the algorithm and the
key MD5 and never x-amz-server-side-encryption; every refusal has AWS's status, code and text (HEAD: the
status only, empty body); multipart and copies between modes; and the key (raw, base64, hex) and the
plaintext are in no file of the data dir. Hand-made requests (rawreq) cover what clients never send
(missing MD5, SSE-C plus x-amz-server-side-encryption) and read ArgumentName/ArgumentValue."""
import base64
import hashlib
import io
import os
import secrets
import tempfile
import unittest

import rawreq
from harness import InstanceTestCase
from test_at_rest import find_in_files, forms

MIB = 1024 * 1024
BUCKET = "ssec"
INSECURE = ("Requests specifying Server Side Encryption with Customer provided keys must be made over a secure "
            "connection.")
NEEDS_KEY = ("The object was stored using a form of Server Side Encryption. The correct parameters must be provided "
             "to retrieve the object.")
WRONG_KEY = "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key."
BAD_ALGORITHM = "The Encryption request you specified is not valid. Supported value: AES256."
INVALID_KEY = "The secret key was invalid for the specified algorithm."
MD5_MISMATCH = "The calculated MD5 hash of the key did not match the hash that was provided."
NO_ALGORITHM = ("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption "
                "algorithm.")
NO_KEY = "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key."
INCOMPATIBLE = ("Server Side Encryption with Customer provided key is incompatible with the encryption method "
                "specified")
PART_WITHOUT_KEY = ("The multipart upload initiate requested encryption. Subsequent part requests must include the "
                    "appropriate encryption parameters.")
PART_OTHER_KEY = "The provided encryption parameters did not match the ones used originally."
NOT_APPLICABLE = "The encryption parameters are not applicable to this object."


def b64(data):
    return base64.b64encode(data).decode()


def md5_b64(data):
    return b64(hashlib.md5(data).digest())


def ssec(key, prefix="SSECustomer"):
    """boto3 parameters for an SSE-C key (botocore adds the base64 and the MD5)."""
    return {prefix + "Algorithm": "AES256", prefix + "Key": key}


def copy_src_ssec(key):
    return ssec(key, "CopySourceSSECustomer")


def headers_for(key, copy_source=False, algorithm="AES256", key_b64=None, md5=None):
    """The three raw headers (None values are left out)."""
    prefix = "x-amz-copy-source-server-side-encryption-customer-" if copy_source else \
        "x-amz-server-side-encryption-customer-"
    out = {prefix + "algorithm": algorithm, prefix + "key": key_b64 if key_b64 is not None else b64(key),
           prefix + "key-MD5": md5 if md5 is not None else md5_b64(key)}
    return {k: v for k, v in out.items() if v is not None}


class SseCTest(InstanceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        inst = cls.inst
        cls.key, cls.other = secrets.token_bytes(32), secrets.token_bytes(32)
        cls.marker = b"S3LAB-SSEC-PLAINTEXT-" + secrets.token_hex(12).encode()
        cls.body = (cls.marker + b" customer-key secrets ") * 500 + secrets.token_bytes(4096)
        cls.s3 = inst.client("s3", https=True)
        cls.s3_http = inst.client("s3")
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.put = cls.s3.put_object(Bucket=BUCKET, Key="obj.bin", Body=cls.body, **ssec(cls.key))
        cls.s3.put_object(Bucket=BUCKET, Key="plain.txt", Body=cls.body)
        # 20 MiB with SSE-C through boto3's managed transfer: CreateMultipartUpload + 3 UploadParts with the key.
        cls.big = (cls.marker + secrets.token_bytes(4096)) * (20 * MIB // (len(cls.marker) + 4096) + 1)
        cls.big = cls.big[:20 * MIB]
        cls.s3.upload_fileobj(io.BytesIO(cls.big), BUCKET, "big.bin", ExtraArgs=ssec(cls.key))
        cls.tmp = tempfile.TemporaryDirectory()
        cls.key_file = os.path.join(cls.tmp.name, "key.bin")
        with open(cls.key_file, "wb") as f:
            f.write(cls.key)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        super().tearDownClass()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def assertEchoes(self, resp, key):
        self.assertEqual(resp["SSECustomerAlgorithm"], "AES256")
        self.assertEqual(resp["SSECustomerKeyMD5"], md5_b64(key))
        self.assertNotIn("ServerSideEncryption", resp)
        headers = resp["ResponseMetadata"]["HTTPHeaders"]
        self.assertNotIn("x-amz-server-side-encryption", headers)
        self.assertNotIn("x-amz-server-side-encryption-customer-key", headers)

    def assertRaw(self, resp, status, code, message, arg_name=None, arg_value=None):
        self.assertEqual(resp.status, status, resp)
        err = resp.error()
        self.assertEqual((err.get("Code"), err.get("Message")), (code, message), resp)
        if arg_name is not None:
            self.assertEqual((err.get("ArgumentName"), err.get("ArgumentValue")), (arg_name, arg_value), resp)

    # ---- round trips --------------------------------------------------------------------------------
    def test_put_get_head_round_trip_with_boto3(self):
        self.assertEchoes(self.put, self.key)
        got = self.s3.get_object(Bucket=BUCKET, Key="obj.bin", **ssec(self.key))
        self.assertEqual(got["Body"].read(), self.body)
        self.assertEchoes(got, self.key)
        head = self.s3.head_object(Bucket=BUCKET, Key="obj.bin", **ssec(self.key))
        self.assertEchoes(head, self.key)
        self.assertEqual(head["ContentLength"], len(self.body))

    def test_etag_is_not_the_md5_of_the_data(self):
        # AWS-REFERENCE §5.1: the ETag of an SSE-C object is not the MD5 of its data (S3 API, PutObject).
        self.assertNotEqual(self.put["ETag"].strip('"'), hashlib.md5(self.body).hexdigest())

    def test_range_get_with_the_key(self):
        got = self.s3.get_object(Bucket=BUCKET, Key="obj.bin", Range="bytes=100-4099", **ssec(self.key))
        self.assertEqual(got["Body"].read(), self.body[100:4100])

    def cp_with_key(self, src, dst):
        """`aws s3 cp` over HTTPS with the test's customer key (--sse-c-key fileb://), which must succeed."""
        rc, _, err = self.inst.aws("s3", "cp", src, dst, "--sse-c", "AES256", "--sse-c-key",
                                   f"fileb://{self.key_file}", https=True)
        self.assertEqual(rc, 0, err)

    def test_aws_cli_s3_cp_round_trip(self):
        src, out = self.path("cli-src.bin"), self.path("cli-out.bin")
        with open(src, "wb") as f:
            f.write(self.body)
        self.cp_with_key(src, f"s3://{BUCKET}/cli.bin")
        self.cp_with_key(f"s3://{BUCKET}/cli.bin", out)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.body)
        rc, _, err = self.inst.aws("s3", "cp", f"s3://{BUCKET}/cli.bin", self.path("nokey.bin"), https=True)
        self.assertNotEqual(rc, 0)
        self.assertIn("400", err)  # s3 cp HEADs first: the status only, as AWS

    def test_aws_cli_s3_cp_multipart_20_mib(self):
        src, out = self.path("cli-big.bin"), self.path("cli-big-out.bin")
        with open(src, "wb") as f:
            f.write(self.big)
        self.cp_with_key(src, f"s3://{BUCKET}/cli-big.bin")
        head = self.s3.head_object(Bucket=BUCKET, Key="cli-big.bin", **ssec(self.key))
        self.assertTrue(head["ETag"].strip('"').endswith("-3"), head["ETag"])
        self.cp_with_key(f"s3://{BUCKET}/cli-big.bin", out)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.big)

    def test_aws_cli_s3api_put_head_get(self):
        src, out = self.path("api-src.bin"), self.path("api-out.bin")
        with open(src, "wb") as f:
            f.write(self.body)
        flags = ["--sse-customer-algorithm", "AES256", "--sse-customer-key", f"fileb://{self.key_file}"]
        rc, stdout, err = self.inst.aws("s3api", "put-object", "--bucket", BUCKET, "--key", "api.bin", "--body", src,
                                        *flags, https=True)
        self.assertEqual(rc, 0, err)
        self.assertIn(md5_b64(self.key), stdout)
        self.assertNotIn('"ServerSideEncryption"', stdout)
        rc, stdout, err = self.inst.aws("s3api", "head-object", "--bucket", BUCKET, "--key", "api.bin", *flags,
                                        https=True)
        self.assertEqual(rc, 0, err)
        self.assertIn(f'"SSECustomerKeyMD5": "{md5_b64(self.key)}"', stdout)
        self.assertIn('"SSECustomerAlgorithm": "AES256"', stdout)
        rc, stdout, err = self.inst.aws("s3api", "get-object", "--bucket", BUCKET, "--key", "api.bin", *flags, out,
                                        https=True)
        self.assertEqual(rc, 0, err)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), self.body)
        rc, _, err = self.inst.aws("s3api", "get-object", "--bucket", BUCKET, "--key", "api.bin",
                                   self.path("x.bin"), https=True)
        self.assertNotEqual(rc, 0)
        self.assertIn("(InvalidRequest)", err)
        self.assertIn(NEEDS_KEY, err)

    # ---- HTTPS only ---------------------------------------------------------------------------------
    def test_plain_http_is_refused(self):
        self.assertCode(self.s3_http.put_object, "InvalidRequest", 400, INSECURE, Bucket=BUCKET, Key="http.bin",
                        Body=b"x", **ssec(self.key))
        self.assertCode(self.s3_http.get_object, "InvalidRequest", 400, INSECURE, Bucket=BUCKET, Key="obj.bin",
                        **ssec(self.key))
        self.assertCode(self.s3_http.head_object, "400", 400, Bucket=BUCKET, Key="obj.bin", **ssec(self.key))
        self.assertCode(self.s3_http.create_multipart_upload, "InvalidRequest", 400, INSECURE, Bucket=BUCKET,
                        Key="http-mp.bin", **ssec(self.key))
        self.assertCode(self.s3_http.head_object, "404", 404, Bucket=BUCKET, Key="http.bin")  # nothing stored
        src = self.path("http.bin")
        with open(src, "wb") as f:
            f.write(b"over http")
        rc, _, err = self.inst.aws("s3", "cp", src, f"s3://{BUCKET}/http.bin", "--sse-c", "AES256",
                                   "--sse-c-key", f"fileb://{self.key_file}")
        self.assertNotEqual(rc, 0)
        self.assertIn("(InvalidRequest)", err)
        self.assertIn(INSECURE, err)

    # ---- reading an SSE-C object --------------------------------------------------------------------
    def test_get_without_the_key(self):
        self.assertCode(self.s3.get_object, "InvalidRequest", 400, NEEDS_KEY, Bucket=BUCKET, Key="obj.bin")
        self.assertCode(self.s3_http.get_object, "InvalidRequest", 400, NEEDS_KEY, Bucket=BUCKET, Key="obj.bin")

    def test_get_with_a_wrong_key(self):
        self.assertCode(self.s3.get_object, "AccessDenied", 403, WRONG_KEY, Bucket=BUCKET, Key="obj.bin",
                        **ssec(self.other))

    def test_get_with_bad_headers(self):
        self.assertCode(self.s3.get_object, "InvalidEncryptionAlgorithmError", 400, BAD_ALGORITHM, Bucket=BUCKET,
                        Key="obj.bin", SSECustomerAlgorithm="AES128", SSECustomerKey=self.key)
        self.assertCode(self.s3.get_object, "InvalidArgument", 400, INVALID_KEY, Bucket=BUCKET, Key="obj.bin",
                        **ssec(self.key[:16]))
        self.assertCode(self.s3.get_object, "InvalidArgument", 400, MD5_MISMATCH, Bucket=BUCKET, Key="obj.bin",
                        SSECustomerAlgorithm="AES256", SSECustomerKey=b64(self.key),
                        SSECustomerKeyMD5=md5_b64(self.other))
        no_md5 = headers_for(self.key, md5="")
        no_md5.pop("x-amz-server-side-encryption-customer-key-MD5")
        resp = rawreq.signed(self.inst, "GET", f"/{BUCKET}/obj.bin", headers=no_md5, https=True)
        self.assertRaw(resp, 403, "AccessDenied", WRONG_KEY)

    def test_head_variants_answer_the_status_with_an_empty_body(self):
        path = f"/{BUCKET}/obj.bin"
        cases = [({}, 400), (headers_for(self.other), 403), (headers_for(self.key, algorithm="AES128"), 400),
                 (headers_for(self.key[:16]), 400), (headers_for(self.key, md5=md5_b64(self.other)), 400),
                 (headers_for(self.key), 200)]
        for headers, status in cases:
            resp = rawreq.signed(self.inst, "HEAD", path, headers=headers, https=True)
            self.assertEqual((resp.status, resp.body), (status, b""), headers)
        self.assertCode(self.s3.head_object, "400", 400, "Bad Request", Bucket=BUCKET, Key="obj.bin")
        self.assertCode(self.s3.head_object, "403", 403, "Forbidden", Bucket=BUCKET, Key="obj.bin",
                        **ssec(self.other))

    def test_ssec_headers_for_an_object_that_is_not_ssec(self):
        self.assertCode(self.s3.get_object, "InvalidRequest", 400, NOT_APPLICABLE, Bucket=BUCKET, Key="plain.txt",
                        **ssec(self.key))

    # ---- PUT validation (AWS-REFERENCE §5.2) ----------------------------------------------------------
    def test_put_validation_rows_with_argument_name_and_value(self):
        sse = "x-amz-server-side-encryption"
        no_md5 = headers_for(self.key)
        no_md5.pop("x-amz-server-side-encryption-customer-key-MD5")
        no_alg = headers_for(self.key)
        no_alg.pop("x-amz-server-side-encryption-customer-algorithm")
        no_key = headers_for(self.key)
        no_key.pop("x-amz-server-side-encryption-customer-key")
        rows = [
            (dict(headers_for(self.key), **{sse: "AES256"}), "InvalidArgument", INCOMPATIBLE, "AES256"),
            (headers_for(self.key, algorithm="KMS"), "InvalidEncryptionAlgorithmError", BAD_ALGORITHM, "KMS"),
            (no_alg, "InvalidArgument", NO_ALGORITHM, "null"),
            (no_key, "InvalidArgument", NO_KEY, "null"),
            (no_md5, "InvalidArgument", INVALID_KEY, "null"),
            (headers_for(self.key[:20]), "InvalidArgument", INVALID_KEY, "null"),
            (headers_for(self.key, md5=md5_b64(self.other)), "InvalidArgument", MD5_MISMATCH, "null"),
        ]
        for headers, code, message, value in rows:
            with self.subTest(message=message):
                resp = rawreq.signed(self.inst, "PUT", f"/{BUCKET}/rows.bin", body=b"row", headers=headers, https=True)
                self.assertRaw(resp, 400, code, message, sse, value)
        self.assertCode(self.s3.head_object, "404", 404, Bucket=BUCKET, Key="rows.bin")

    def test_put_validation_with_boto3(self):
        put = dict(Bucket=BUCKET, Key="bad.bin", Body=b"x")
        self.assertCode(self.s3.put_object, "InvalidArgument", 400, INVALID_KEY, **put, **ssec(b"too short"))
        self.assertCode(self.s3.put_object, "InvalidEncryptionAlgorithmError", 400, BAD_ALGORITHM, **put,
                        SSECustomerAlgorithm="aws:kms", SSECustomerKey=self.key)
        self.assertCode(self.s3.put_object, "InvalidArgument", 400, MD5_MISMATCH, **put, SSECustomerAlgorithm="AES256",
                        SSECustomerKey=b64(self.key), SSECustomerKeyMD5=md5_b64(self.other))
        self.assertCode(self.s3.put_object, "InvalidArgument", 400, INCOMPATIBLE, **put, ServerSideEncryption="AES256",
                        **ssec(self.key))

    # ---- multipart ----------------------------------------------------------------------------------
    def test_multipart_20_mib_read_back(self):
        head = self.s3.head_object(Bucket=BUCKET, Key="big.bin", **ssec(self.key))
        self.assertEchoes(head, self.key)
        self.assertEqual(head["ContentLength"], 20 * MIB)
        got = self.s3.get_object(Bucket=BUCKET, Key="big.bin", **ssec(self.key))
        self.assertEqual(got["Body"].read(), self.big)
        self.assertCode(self.s3.get_object, "AccessDenied", 403, WRONG_KEY, Bucket=BUCKET, Key="big.bin",
                        **ssec(self.other))

    def test_multipart_by_hand_with_the_key_on_every_part(self):
        s3, key = self.s3, "hand.bin"
        up = s3.create_multipart_upload(Bucket=BUCKET, Key=key, **ssec(self.key))
        self.assertEchoes(up, self.key)
        uid, parts = up["UploadId"], []
        chunks = [self.big[:8 * MIB], self.big[8 * MIB:16 * MIB], self.big[16 * MIB:]]
        for n, chunk in enumerate(chunks, 1):
            part = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=n, Body=chunk, **ssec(self.key))
            self.assertEchoes(part, self.key)
            parts.append({"PartNumber": n, "ETag": part["ETag"]})
        done = s3.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=uid, MultipartUpload={"Parts": parts},
                                            **ssec(self.key))
        self.assertNotIn("ServerSideEncryption", done)  # the object is SSE-C, not SSE-S3
        self.assertTrue(done["ETag"].strip('"').endswith("-3"), done["ETag"])
        got = s3.get_object(Bucket=BUCKET, Key=key, **ssec(self.key))
        self.assertEchoes(got, self.key)
        self.assertEqual(got["Body"].read(), self.big)

    def test_multipart_part_without_or_with_another_key(self):
        s3 = self.s3
        uid = s3.create_multipart_upload(Bucket=BUCKET, Key="mp-errors.bin", **ssec(self.key))["UploadId"]
        part = dict(Bucket=BUCKET, Key="mp-errors.bin", UploadId=uid, PartNumber=1, Body=b"part")
        self.assertCode(s3.upload_part, "InvalidRequest", 400, PART_WITHOUT_KEY, **part)
        self.assertCode(s3.upload_part, "InvalidRequest", 400, PART_OTHER_KEY, **part, **ssec(self.other))
        self.assertEchoes(s3.upload_part(**part, **ssec(self.key)), self.key)
        s3.abort_multipart_upload(Bucket=BUCKET, Key="mp-errors.bin", UploadId=uid)

    # ---- copies between modes -----------------------------------------------------------------------
    def test_copy_ssec_to_sse_s3(self):
        src = {"Bucket": BUCKET, "Key": "obj.bin"}
        out = self.s3.copy_object(Bucket=BUCKET, Key="c-s3.bin", CopySource=src, **copy_src_ssec(self.key))
        self.assertEqual(out["ServerSideEncryption"], "AES256")
        self.assertNotIn("SSECustomerKeyMD5", out)
        got = self.s3.get_object(Bucket=BUCKET, Key="c-s3.bin")
        self.assertEqual(got["ServerSideEncryption"], "AES256")
        self.assertEqual(got["Body"].read(), self.body)

    def test_copy_sse_s3_to_ssec(self):
        src = {"Bucket": BUCKET, "Key": "plain.txt"}
        out = self.s3.copy_object(Bucket=BUCKET, Key="c-ssec.bin", CopySource=src, **ssec(self.key))
        self.assertEchoes(out, self.key)
        self.assertCode(self.s3.get_object, "InvalidRequest", 400, NEEDS_KEY, Bucket=BUCKET, Key="c-ssec.bin")
        got = self.s3.get_object(Bucket=BUCKET, Key="c-ssec.bin", **ssec(self.key))
        self.assertEqual(got["Body"].read(), self.body)

    def test_copy_ssec_to_ssec_under_another_key(self):
        src = {"Bucket": BUCKET, "Key": "obj.bin"}
        out = self.s3.copy_object(Bucket=BUCKET, Key="c-other.bin", CopySource=src, **copy_src_ssec(self.key),
                                  **ssec(self.other))
        self.assertEchoes(out, self.other)
        got = self.s3.get_object(Bucket=BUCKET, Key="c-other.bin", **ssec(self.other))
        self.assertEqual(got["Body"].read(), self.body)
        self.assertCode(self.s3.get_object, "AccessDenied", 403, WRONG_KEY, Bucket=BUCKET, Key="c-other.bin",
                        **ssec(self.key))

    def test_copy_source_key_errors(self):
        src = {"Bucket": BUCKET, "Key": "obj.bin"}
        copy = dict(Bucket=BUCKET, Key="c-bad.bin", CopySource=src)
        self.assertCode(self.s3.copy_object, "InvalidRequest", 400, NEEDS_KEY, **copy)
        self.assertCode(self.s3.copy_object, "AccessDenied", 403, WRONG_KEY, **copy, **copy_src_ssec(self.other))
        # The target's key does not open the source (only the copy-source headers do).
        self.assertCode(self.s3.copy_object, "InvalidRequest", 400, NEEDS_KEY, **copy, **ssec(self.key))
        self.assertCode(self.s3_http.copy_object, "InvalidRequest", 400, INSECURE, **copy, **copy_src_ssec(self.key))
        plain = dict(Bucket=BUCKET, Key="c-bad.bin", CopySource={"Bucket": BUCKET, "Key": "plain.txt"})
        self.assertCode(self.s3.copy_object, "InvalidRequest", 400, NOT_APPLICABLE, **plain,
                        **copy_src_ssec(self.key))
        self.assertCode(self.s3.head_object, "404", 404, Bucket=BUCKET, Key="c-bad.bin")

    def test_upload_part_copy_from_an_ssec_source(self):
        s3, key = self.s3, "upc.bin"
        src = {"Bucket": BUCKET, "Key": "obj.bin"}
        uid = s3.create_multipart_upload(Bucket=BUCKET, Key=key, **ssec(self.other))["UploadId"]
        self.assertCode(s3.upload_part_copy, "InvalidRequest", 400, NEEDS_KEY, Bucket=BUCKET, Key=key, UploadId=uid,
                        PartNumber=1, CopySource=src, **ssec(self.other))
        part = s3.upload_part_copy(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=1, CopySource=src,
                                   **copy_src_ssec(self.key), **ssec(self.other))
        self.assertEchoes(part, self.other)
        s3.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=uid, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]}, **ssec(self.other))
        got = s3.get_object(Bucket=BUCKET, Key=key, **ssec(self.other))
        self.assertEqual(got["Body"].read(), self.body)

    # ---- what is on disk ----------------------------------------------------------------------------
    def test_neither_key_nor_plaintext_is_in_any_file(self):
        needles = {f"key {k}": v for k, v in forms(self.key).items()}
        needles.update({f"other {k}": v for k, v in forms(self.other).items()})
        needles["key base64 as sent"] = b64(self.key).encode()
        needles["marker"] = self.marker
        files = self.inst.data_files()
        self.assertTrue(any(f.endswith("s3.db") for f in files), files)
        hits = [(os.path.relpath(p, self.inst.data_dir), form) for p, form in find_in_files(files, needles)]
        self.assertEqual(hits, [], "SSE-C key or plaintext found on disk")

    def test_the_key_is_in_no_log(self):
        needles = {f"key {k}": v for k, v in forms(self.key).items()}
        needles["key base64 as sent"] = b64(self.key).encode()
        logs = [os.path.join(self.inst.tmp, name) for name in ("s3.log", "kms.log")]
        self.assertEqual(find_in_files([p for p in logs if os.path.exists(p)], needles), [])


if __name__ == "__main__":
    unittest.main()
