"""Hand-made requests for the integration tests: botocore SigV4 signing with any key, time or payload
hash, sent over a raw socket so the framing (Content-Length, aws-chunked, header sizes) can be wrong on
purpose. Also parses AWS error bodies (S3 XML and KMS JSON).

    headers = sign(inst, "PUT", "/bkt", "versioning", body=b"<oops", secret="wrong")
    resp = send(inst, "PUT", "/bkt?versioning", headers, b"<oops")
    resp.status, resp.headers, resp.body, resp.error()["Code"]
"""
import datetime
import hashlib
import http.client
import json
import socket
import ssl
import xml.etree.ElementTree as ET
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class _Recording(SigV4Auth):
    """SigV4Auth that remembers the canonical request and string to sign it computed."""
    recorded = None

    def string_to_sign(self, request, canonical_request):
        sts = super().string_to_sign(request, canonical_request)
        self.recorded = {"CanonicalRequest": canonical_request, "StringToSign": sts}
        return sts


class _S3SigV4(_Recording):
    """SigV4 as S3 does it: the path is not normalised; X-Amz-Content-SHA256 as set by the caller."""

    def _normalize_url_path(self, path):
        return path


def sign(inst, method, path, query="", headers=None, body=b"", service="s3", access_key=None,
         secret=None, region=None, when=None, payload_hash=None, https=False, debug=None):
    """Returns the headers (Host, X-Amz-Date, X-Amz-Content-SHA256 for S3, Authorization, plus the
    given ones) of a SigV4-signed request. `when` (datetime, UTC) replaces the signing time; `secret`
    or `access_key` replace the root keys; payload_hash defaults to the hex SHA-256 of body for S3.
    A dict passed as `debug` receives CanonicalRequest and StringToSign."""
    root_ak, root_sk = inst.root_credentials()
    creds = Credentials(access_key or root_ak, secret or root_sk)
    port = inst.kms_tls_port if (service == "kms" and https) else inst.kms_port if service == "kms" \
        else inst.s3_tls_port if https else inst.s3_port
    url = f"{'https' if https else 'http'}://127.0.0.1:{port}{path}" + (f"?{query}" if query else "")
    hdrs = dict(headers or {})
    if service == "s3":
        hdrs["X-Amz-Content-SHA256"] = payload_hash or hashlib.sha256(body).hexdigest()
    req = AWSRequest(method=method, url=url, data=body, headers=hdrs)
    signer = (_S3SigV4 if service == "s3" else _Recording)(creds, service, region or inst.region)
    if when is not None:
        with mock.patch("botocore.auth.get_current_datetime", return_value=when.replace(tzinfo=None)):
            signer.add_auth(req)
    else:
        signer.add_auth(req)
    if debug is not None:
        debug.update(signer.recorded)
    out = dict(req.headers.items())
    out["Host"] = f"127.0.0.1:{port}"
    return out


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class Response:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def error(self):
        """Fields of an AWS error body: S3 XML <Error> children, or KMS JSON (__type -> Code)."""
        return parse_error(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.body[:600]!r}>"


def parse_error(body):
    text = body.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        doc = json.loads(text)
        out = dict(doc)
        if "__type" in doc:
            out["Code"] = doc["__type"].split("#")[-1]
        if "message" in doc or "Message" in doc:
            out["Message"] = doc.get("message", doc.get("Message"))
        return out
    root = ET.fromstring(text)
    if root.tag.endswith("ErrorResponse"):  # IAM/STS query API: <ErrorResponse><Error>...</Error>
        root = root.find("{*}Error") or root.find("Error")
    return {child.tag.split("}")[-1]: (child.text or "") for child in root}


def connect(inst, https=False, service="s3", timeout=30):
    port = (inst.kms_tls_port if https else inst.kms_port) if service == "kms" else \
        (inst.s3_tls_port if https else inst.s3_port)
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if https:
        ctx = ssl.create_default_context(cafile=inst.ca_bundle)
        sock = ctx.wrap_socket(sock, server_hostname="127.0.0.1")
    return sock


def send_bytes(inst, raw, https=False, service="s3", shutdown_write=False, timeout=30):
    """Writes `raw` (a whole request, any framing) on a new connection and reads one response."""
    sock = connect(inst, https, service, timeout)
    try:
        sock.sendall(raw)
        if shutdown_write and not https:
            sock.shutdown(socket.SHUT_WR)
        resp = http.client.HTTPResponse(sock, method=raw.split(b" ", 1)[0].decode())
        resp.begin()
        body = resp.read()
        return Response(resp.status, resp.reason, resp.getheaders(), body)
    finally:
        sock.close()


def build(method, target, headers, body=b"", content_length=True):
    """Serialises a request. content_length: True = len(body), int = that value, False = none."""
    lines = [f"{method} {target} HTTP/1.1"]
    names = {k.lower() for k in headers}
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if content_length is not False and "content-length" not in names:
        lines.append(f"Content-Length: {len(body) if content_length is True else content_length}")
    if "connection" not in names:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def send(inst, method, target, headers, body=b"", https=False, service="s3", **kw):
    """Sends a request as given (target = raw path?query); Content-Length = len(body) unless overridden."""
    return send_bytes(inst, build(method, target, headers, body, kw.pop("content_length", True)),
                      https=https, service=service, **kw)


def signed(inst, method, path, query="", body=b"", headers=None, https=False, service="s3", **sign_kw):
    """sign() + send() in one call."""
    hdrs = sign(inst, method, path, query, headers, body, service=service, https=https, **sign_kw)
    return send(inst, method, path + (f"?{query}" if query else ""), hdrs, body, https=https, service=service)
