#!/usr/bin/env python3
"""s3lab vs moto_server, side by side in one run (driven by bench/run.sh; see bench/README.md).

Starts a fresh s3lab (tests/integration/harness.py: free ports, temporary data dir) and `moto_server`
on a free port, then measures both with the C++ load generator (bench/loadgen.cc, every request
SigV4-signed at send time):
  4 KiB PUT and GET requests/s at concurrency 32, KMS GenerateDataKey requests/s at concurrency 8 and 16
  (keep-alive HTTP), one 1 GiB streaming PUT and GET (s3lab: SSE-S3, the default) in MB/s with the peak
  RSS of the server process (VmHWM from /proc/<pid>/status, reset through clear_refs before each),
and prints a table with the ratios next to `openssl speed -elapsed -evp aes-256-gcm`. Nothing is
asserted: the targets of issue 2 are printed beside the figures. --save writes bench/results/<time>.*.
"""
import argparse
import base64
import datetime
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "integration"))
import harness  # noqa: E402

MIB = 1024 * 1024


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Moto:
    """moto_server on a free port, its output in a log file; killed with this process."""

    def __init__(self, tmp):
        self.port = harness.free_port()
        self.log_path = os.path.join(tmp, "moto.log")
        self.proc = None

    def start(self, timeout=60):
        log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                                     preexec_fn=harness._die_with_parent)
        log_file.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited {self.proc.returncode}: {open(self.log_path).read()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/moto-api/", timeout=2).read()
                return self
            except Exception:  # noqa: not up yet
                time.sleep(0.2)
        raise RuntimeError("moto_server not answering")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Target:
    def __init__(self, name, port, kms_port, creds, pid):
        self.name, self.port, self.kms_port, self.creds, self.pid = name, port, kms_port, creds, pid
        self.results = {}


def boto(service, port, creds):
    import boto3
    return boto3.session.Session(aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                                 region_name="us-east-1").client(service,
                                                                  endpoint_url=f"http://127.0.0.1:{port}")


def prepare(target):
    """Bucket `bench` and KMS key alias/bench on the target."""
    boto("s3", target.port, target.creds).create_bucket(Bucket="bench")
    kms = boto("kms", target.kms_port, target.creds)
    key = kms.create_key(Description="bench")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/bench", TargetKeyId=key)


def loadgen(args, target, mode, port=None, **opts):
    argv = [args.loadgen, "--mode", mode, "--port", str(port or target.port), "--access-key", target.creds[0],
            "--secret-key", target.creds[1]]
    for k, v in opts.items():
        argv += ["--" + k.replace("_", "-"), str(v)]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=args.duration * 3 + 600,
                       preexec_fn=harness._die_with_parent)
    line = (p.stdout.strip().splitlines() or ["{}"])[-1]
    try:
        res = json.loads(line)
    except json.JSONDecodeError:
        res = {"ok": 0, "errors": 1, "first_error": (p.stdout + p.stderr)[-300:]}
    if res.get("errors"):
        log(f"  {target.name} {mode}: {res['errors']} errors, first: {res.get('first_error')}")
    return res


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def settle():
    """Before a 1 GiB transfer: let the kernel write back what earlier phases left dirty (the 4 KiB PUT
    phase writes ~2 GB of WAL pages), so the transfer is measured, not the previous phase's writeback."""
    os.sync()
    time.sleep(1)


def reset_hwm(pid):
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def measure(args, target):
    r = target.results
    log(f"-- {target.name}: 4 KiB PUT, GET at c=32; GenerateDataKey at c=8, c=16 ({args.duration}s each)")
    r["put4k"] = loadgen(args, target, "s3-put", concurrency=32, duration=args.duration, size=4096, keys=16)
    r["get4k"] = loadgen(args, target, "s3-get", concurrency=32, duration=args.duration, size=4096, keys=16)
    r["gdk8"] = loadgen(args, target, "kms-gdk", port=target.kms_port, concurrency=8, duration=args.duration)
    r["gdk16"] = loadgen(args, target, "kms-gdk", port=target.kms_port, concurrency=16, duration=args.duration)
    if args.big_size:
        log(f"-- {target.name}: {args.big_size // MIB} MiB PUT and GET")
        for mode, name in (("big-put", "bigput"), ("big-get", "bigget")):
            settle()
            reset_hwm(target.pid)
            r[name] = loadgen(args, target, mode, size=args.big_size, key="big.bin")
            r[name]["hwm_kib"] = vm_hwm_kib(target.pid)


def measure_sse_kms(args, target):
    """s3lab only (issue 3): the same 4 KiB GET and 1 GiB PUT/GET against buckets whose default
    encryption is SSE-KMS (alias/bench), without and with S3 Bucket Keys. Every GET of an SSE-KMS
    object costs one KMS Decrypt; with Bucket Keys the bucket key is cached, so it mostly does not."""
    s3 = boto("s3", target.port, target.creds)
    r = target.results
    for bucket, bucket_key in (("bench-kms", False), ("bench-bk", True)):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/bench"},
            "BucketKeyEnabled": bucket_key}]})
        tag = "bk" if bucket_key else "kms"
        log(f"-- {target.name}: SSE-KMS{' with Bucket Keys' if bucket_key else ''}: 4 KiB GET at c=32")
        r[f"get4k_{tag}"] = loadgen(args, target, "s3-get", concurrency=32, duration=args.duration, size=4096,
                                    keys=16, bucket=bucket)
        if args.big_size:
            for mode, name in (("big-put", f"bigput_{tag}"), ("big-get", f"bigget_{tag}")):
                settle()
                reset_hwm(target.pid)
                r[name] = loadgen(args, target, mode, size=args.big_size, key="big.bin", bucket=bucket)
                r[name]["hwm_kib"] = vm_hwm_kib(target.pid)
        head = s3.head_object(Bucket=bucket, Key=f"obj-0-0")
        r[f"check_{tag}"] = {"sse": head.get("ServerSideEncryption"), "bucket_key": head.get("BucketKeyEnabled")}


def measure_sse_c(args, target, inst):
    """s3lab only (issue 3): SSE-C is HTTPS only, so the 4 KiB GET and the 1 GiB PUT/GET go to the TLS
    port with the customer key on every request (the loadgen's --sse-c-key), TLS cost included."""
    s3 = boto("s3", target.port, target.creds)
    s3.create_bucket(Bucket="bench-ssec")
    key = base64.b64encode(b"k" * 32).decode()
    tls = {"port": inst.s3_tls_port, "ca_file": inst.ca_bundle, "sse_c_key": key, "bucket": "bench-ssec"}
    r = target.results
    log(f"-- {target.name}: SSE-C over HTTPS: 4 KiB GET at c=32")
    r["get4k_ssec"] = loadgen(args, target, "s3-get", concurrency=32, duration=args.duration, size=4096, keys=16,
                              **tls)
    if args.big_size:
        for mode, name in (("big-put", "bigput_ssec"), ("big-get", "bigget_ssec")):
            settle()
            reset_hwm(target.pid)
            r[name] = loadgen(args, target, mode, size=args.big_size, key="big.bin", **tls)
            r[name]["hwm_kib"] = vm_hwm_kib(target.pid)


def openssl_speed():
    p = subprocess.run(["openssl", "speed", "-elapsed", "-seconds", "2", "-evp", "aes-256-gcm"],
                       capture_output=True, text=True, timeout=120)
    for line in p.stdout.splitlines():
        if line.lower().startswith("aes-256-gcm"):
            nums = re.findall(r"([\d.]+)k", line)
            if nums:
                return float(nums[-1]) * 1000 / 1e6  # largest block size, kB/s -> MB/s
    return None


def fmt(v, unit=""):
    if v is None:
        return "-"
    return f"{v:,.0f}{unit}" if v >= 100 else f"{v:,.1f}{unit}"


def table(s3lab, moto, aes_mbps):
    def val(t, key, field):
        res = t.results.get(key) if t else None
        if not res or not res.get("ok"):
            return None
        return res["hwm_kib"] / 1024 if field == "hwm" and res.get("hwm_kib") else res.get(field)

    rows = [("4 KiB PUT req/s, c=32", "put4k", "rps", "s3lab >= 20x moto"),
            ("4 KiB GET req/s, c=32", "get4k", "rps", "s3lab >= 20x moto"),
            ("KMS GenerateDataKey req/s, c=8", "gdk8", "rps", ">= 20,000"),
            ("KMS GenerateDataKey req/s, c=16", "gdk16", "rps", ">= 20,000"),
            ("1 GiB PUT MB/s (s3lab: SSE-S3)", "bigput", "mb_per_s", ">= 300"),
            ("1 GiB GET MB/s (s3lab: SSE-S3)", "bigget", "mb_per_s", ">= 1,000"),
            ("peak RSS during 1 GiB PUT, MiB", "bigput", "hwm", "< 64"),
            ("peak RSS during 1 GiB GET, MiB", "bigget", "hwm", "< 64"),
            ("4 KiB GET req/s, SSE-KMS, c=32", "get4k_kms", "rps", "(one Decrypt each)"),
            ("4 KiB GET req/s, SSE-KMS + Bucket Key", "get4k_bk", "rps", "(bucket key cached)"),
            ("1 GiB PUT MB/s, SSE-KMS", "bigput_kms", "mb_per_s", ""),
            ("1 GiB GET MB/s, SSE-KMS", "bigget_kms", "mb_per_s", ""),
            ("peak RSS 1 GiB PUT, SSE-KMS, MiB", "bigput_kms", "hwm", "< 64"),
            ("peak RSS 1 GiB GET, SSE-KMS, MiB", "bigget_kms", "hwm", "< 64"),
            ("4 KiB GET req/s, SSE-C (HTTPS), c=32", "get4k_ssec", "rps", ""),
            ("1 GiB PUT MB/s, SSE-C (HTTPS)", "bigput_ssec", "mb_per_s", ""),
            ("1 GiB GET MB/s, SSE-C (HTTPS)", "bigget_ssec", "mb_per_s", ""),
            ("peak RSS 1 GiB PUT, SSE-C, MiB", "bigput_ssec", "hwm", "< 64"),
            ("peak RSS 1 GiB GET, SSE-C, MiB", "bigget_ssec", "hwm", "< 64")]
    out = [f"{'':34} {'s3lab':>12} {'moto':>12} {'ratio':>8}   target",
           "-" * 84]
    for label, key, field, target in rows:
        a, b = val(s3lab, key, field), val(moto, key, field)
        if not (a and b):
            ratio = "-"
        elif field == "hwm":  # memory: how many times less than moto
            ratio = f"1/{b / a:,.0f}" if b >= a else f"{a / b:,.1f}x"
        else:
            ratio = f"{a / b:,.1f}x"
        errs = sum((t.results.get(key) or {}).get("errors", 0) for t in (s3lab, moto) if t)
        note = f"  ({errs} errors)" if errs and field != "hwm" else ""
        out.append(f"{label:34} {fmt(a):>12} {fmt(b):>12} {ratio:>8}   {target}{note}")
    for key in ("gdk8", "put4k"):
        res = s3lab.results.get(key) or {}
        if res.get("ok"):
            out.append(f"  s3lab {key} latency p50 {res['p50_ms']:.2f} ms, p99 {res['p99_ms']:.2f} ms")
    out.append(f"openssl speed -evp aes-256-gcm (16 KiB blocks, one core): {fmt(aes_mbps, ' MB/s')}")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description="s3lab vs moto_server benchmark")
    ap.add_argument("--loadgen", required=True)
    ap.add_argument("--duration", type=float, default=10, help="seconds per request/s measurement")
    ap.add_argument("--big-size", type=int, default=1024 * MIB, help="bytes of the big PUT/GET (0 = skip)")
    ap.add_argument("--no-moto", action="store_true")
    ap.add_argument("--no-sse-kms", action="store_true", help="skip the SSE-KMS figures (issue 3)")
    ap.add_argument("--save", action="store_true", help="also write bench/results/<UTC time>.{txt,json}")
    args = ap.parse_args()

    with harness.Instance(tls=True) as inst:
        s3lab = Target("s3lab", inst.s3_port, inst.kms_port, inst.root_credentials(), inst.s3.proc.pid)
        moto = None
        if not args.no_moto:
            m = Moto(inst.tmp).start()
            moto = Target("moto", m.port, m.port, ("AKIAIOSFODNN7EXAMPLE", "x" * 40), m.proc.pid)
        try:
            for t in filter(None, (s3lab, moto)):
                prepare(t)
                measure(args, t)
            if not args.no_sse_kms:
                measure_sse_kms(args, s3lab)
                measure_sse_c(args, s3lab, inst)
        finally:
            if moto:
                m.stop()
        log("-- openssl speed -elapsed -seconds 2 -evp aes-256-gcm")
        aes = openssl_speed()
        load = os.getloadavg()
        head = (f"s3lab bench {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}, "
                f"{os.cpu_count()} cores, load avg {load[0]:.1f} {load[1]:.1f}, load generator on the same box")
        text = head + "\n" + table(s3lab, moto, aes)
        print(text, flush=True)
        if args.save:
            os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
            stem = os.path.join(HERE, "results", datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
            with open(stem + ".txt", "w") as f:
                f.write(text + "\n")
            with open(stem + ".json", "w") as f:
                json.dump({"s3lab": s3lab.results, "moto": moto.results if moto else None,
                           "openssl_aes_256_gcm_mb_per_s": aes, "header": head}, f, indent=1)
            log(f"saved {stem}.txt and .json")


if __name__ == "__main__":
    main()
