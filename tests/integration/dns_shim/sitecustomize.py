"""Test-only resolver shim, loaded by `import dns_shim.sitecustomize` in a test process or, for an aws CLI
subprocess, through PYTHONPATH=tests/integration/dns_shim (Python imports sitecustomize at start).

S3 Control clients put the account id in front of the endpoint's host (`111122223333.127.0.0.1:4580`),
which needs `*.localhost` / `*.127.0.0.1` to resolve to this machine. On a learner's machine that is a
resolver setting (`s3lab up` explains it: systemd-resolved does it by default, or one /etc/hosts line per
name); the test machines resolve neither, so this shim answers such names with 127.0.0.1 inside the test
processes only. boto3 and the CLI keep their default settings."""
import socket

_getaddrinfo = socket.getaddrinfo


def _loopback_labels(host, *args, **kwargs):
    if isinstance(host, str) and (host.endswith(".localhost") or host.endswith(".127.0.0.1")):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_labels
