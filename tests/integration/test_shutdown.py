"""SIGTERM stops each service within seconds, with exit code 0, while clients hold idle keep-alive
connections (boto3's pool, a raw HTTP and a raw HTTPS connection that each made one request, one that
never sent a byte, and for KMS the S3 process's own connection from an SSE-KMS upload); the
keep-alive timeout is 30 s, which httplib's own loop used to wait out. On the way out KMS imports its
CloudTrail journal into trail.db and deletes it (kms/README.md "Audit trail")."""
import http.client
import os
import signal
import socket
import sqlite3
import ssl
import time
import unittest

from harness import Instance
from rawreq import sign

KMS_HEADERS = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"}


def idle_connection(inst, service, https):
    """An HTTP/1.1 connection that made one signed request and stays open (keep-alive)."""
    port = {("kms", False): inst.kms_port, ("kms", True): inst.kms_tls_port,
            ("s3", False): inst.s3_port, ("s3", True): inst.s3_tls_port}[(service, https)]
    if https:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=30,
                                           context=ssl.create_default_context(cafile=inst.ca_bundle))
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    if service == "kms":
        headers = sign(inst, "POST", "/", headers=KMS_HEADERS, body=b"{}", service="kms", https=https)
        conn.request("POST", "/", body=b"{}", headers=headers)
    else:
        conn.request("GET", "/", headers=sign(inst, "GET", "/", https=https))
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 200, resp.status
    assert resp.getheader("Connection") != "close"
    return conn


def stop_and_time(service):
    start = time.monotonic()
    service.proc.send_signal(signal.SIGTERM)
    rc = service.proc.wait(20)
    return rc, time.monotonic() - start


class ShutdownTest(unittest.TestCase):
    def journals_of(self, inst, pid):
        folder = os.path.join(inst.data_dir, "trail")
        return [f for f in os.listdir(folder) if f.startswith(f"s3lab-kms-{pid}-")]

    def test_kms_stops_at_once_with_idle_keep_alive_clients_and_imports_its_journal(self):
        with Instance() as inst:
            kms = inst.client("kms")
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            kms.generate_random(NumberOfBytes=8)
            s3 = inst.client("s3")
            s3.create_bucket(Bucket="stop-kms")
            s3.put_object(Bucket="stop-kms", Key="k", Body=b"x", ServerSideEncryption="aws:kms",
                          SSEKMSKeyId=key)  # the S3 process now holds a keep-alive connection to KMS
            held = [idle_connection(inst, "kms", False), idle_connection(inst, "kms", True),
                    socket.create_connection(("127.0.0.1", inst.kms_port))]
            pid = inst.kms.proc.pid
            self.assertTrue(self.journals_of(inst, pid))
            rc, elapsed = stop_and_time(inst.kms)
            self.assertEqual(rc, 0, inst.kms.stderr_tail())
            self.assertLess(elapsed, 3.0)
            self.assertEqual(self.journals_of(inst, pid), [])  # imported, then deleted
            con = sqlite3.connect(os.path.join(inst.data_dir, "trail.db"))
            try:
                names = {row[0] for row in con.execute(
                    "SELECT event_name FROM events WHERE event_source = 'kms.amazonaws.com'")}
            finally:
                con.close()
            self.assertLessEqual({"CreateKey", "GenerateRandom", "GenerateDataKey", "ListKeys"}, names)
            for conn in held:
                conn.close()

    def test_s3_stops_at_once_with_idle_keep_alive_clients(self):
        with Instance() as inst:
            inst.client("s3").list_buckets()
            held = [idle_connection(inst, "s3", False), idle_connection(inst, "s3", True),
                    socket.create_connection(("127.0.0.1", inst.s3_port))]
            rc, elapsed = stop_and_time(inst.s3)
            self.assertEqual(rc, 0, inst.s3.stderr_tail())
            self.assertLess(elapsed, 3.0)
            for conn in held:
                conn.close()


if __name__ == "__main__":
    unittest.main()
