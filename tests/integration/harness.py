"""Integration-test harness: one fresh s3lab instance (S3 + KMS processes) per `Instance`.

Stdlib only (boto3 is imported lazily by `client()`). An `Instance` picks free loopback ports, makes a
temporary directory (data dir in `<tmp>/data`, process logs and empty AWS config files beside it),
starts build/emulator/s3lab-s3 then build/kms/s3lab-kms with the flags of docs/WORKPLAN.md, and waits
for each to print `ready` on stdout (timeout; the tail of stderr is shown on failure). Everything is
removed on exit. The build directory comes from S3LAB_BUILD_DIR (default ./build of the repository).

Isolation: on import the process environment loses every AWS_* variable and gets empty
AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE and AWS_EC2_METADATA_DISABLED=true, so the real ~/.aws
never leaks into boto3 or the aws CLI. Child services get PR_SET_PDEATHSIG so they die with the test
process even when it is killed with SIGKILL.

    with Instance() as inst:
        s3 = inst.client("s3")                   # boto3, default settings, root of 111122223333
        rc, out, err = inst.aws("s3", "ls")      # aws CLI v1 with inst.env()
        inst.restart(); inst.kill9(); inst.data_files()
"""
import atexit
import ctypes
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get("S3LAB_BUILD_DIR") or os.path.join(ROOT, "build"))
S3_BIN = os.path.join(BUILD, "emulator", "s3lab-s3")
KMS_BIN = os.path.join(BUILD, "kms", "s3lab-kms")
CLI_BIN = os.path.join(BUILD, "labs", "s3lab")
ACCOUNT_ID = "111122223333"
REGION = "us-east-1"
READY_TIMEOUT = float(os.environ.get("S3LAB_READY_TIMEOUT", "30"))

# ---- process-wide isolation from the caller's AWS configuration -------------------------------
_ISOLATION_DIR = tempfile.mkdtemp(prefix="s3lab-awscfg-")
atexit.register(shutil.rmtree, _ISOLATION_DIR, True)
for _name in [n for n in os.environ if n.startswith("AWS_")]:
    del os.environ[_name]
os.environ["AWS_CONFIG_FILE"] = os.path.join(_ISOLATION_DIR, "config")
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(_ISOLATION_DIR, "credentials")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for _f in ("config", "credentials"):
    open(os.path.join(_ISOLATION_DIR, _f), "w").close()

_LIVE = set()  # Instances not yet closed; killed at exit or on SIGTERM.


def _close_all():
    for inst in list(_LIVE):
        inst.close()


atexit.register(_close_all)
if threading.current_thread() is threading.main_thread():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():  # runs in the child between fork and exec
    _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


_handed_out = set()


def free_port():
    """A loopback TCP port that is free now and not yet handed out by this process."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


class ServiceProcess:
    """One service binary: started with stdout piped (drained by a thread), stderr to a log file."""

    def __init__(self, name, argv, log_path, env=None):
        self.name, self.argv, self.log_path, self.env = name, argv, log_path, env
        self.proc = None
        self.stdout_lines = []
        self._ready = threading.Event()

    def start(self, timeout=READY_TIMEOUT):
        if not os.access(self.argv[0], os.X_OK):
            raise RuntimeError(f"{self.name}: binary {self.argv[0]} not built (S3LAB_BUILD_DIR={BUILD})")
        self.stdout_lines, self._ready = [], threading.Event()
        log = open(self.log_path, "ab")
        log.write(f"\n==== start {' '.join(self.argv)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=log, env=self.env, preexec_fn=_die_with_parent)
        log.close()
        threading.Thread(target=self._drain, args=(self.proc, self._ready), daemon=True).start()
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before ready\n"
                                   + self.stderr_tail())
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"{self.name} not ready after {timeout:.0f}s\n" + self.stderr_tail())

    def _drain(self, proc, ready):
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            self.stdout_lines.append(line)
            if line.strip() == "ready":
                ready.set()
        proc.stdout.close()

    def stderr_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            return ""
        tail = "\n".join(text.splitlines()[-lines:])
        return f"---- {self.name} stderr (last {lines} lines, {self.log_path}) ----\n{tail}"

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10):
        """SIGTERM, then SIGKILL after `timeout`. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Instance:
    """A fresh s3lab (S3 + KMS) on free ports with a temporary data dir. See the module comment."""

    def __init__(self, tls=True, console=False, start_kms=True, keep=False, kms_args=(), s3_args=()):
        self.tmp = tempfile.mkdtemp(prefix="s3lab-it-")
        self.data_dir = os.path.join(self.tmp, "data")
        os.mkdir(self.data_dir)
        self.keep = keep or os.environ.get("S3LAB_KEEP_TMP") == "1"
        self.s3_port, self.kms_port = free_port(), free_port()
        self.s3_tls_port = free_port() if tls else 0
        self.kms_tls_port = free_port() if tls else 0
        self.console_port = free_port() if console else 0
        self.region = REGION
        self.start_kms = start_kms
        child_env = dict(os.environ)
        self.s3 = ServiceProcess("s3lab-s3", [
            S3_BIN, "--data-dir", self.data_dir, "--bind", "127.0.0.1", "--port", str(self.s3_port),
            "--tls-port", str(self.s3_tls_port), "--console-port", str(self.console_port),
            "--kms-endpoint", f"http://127.0.0.1:{self.kms_port}", "--region", self.region, *s3_args],
            os.path.join(self.tmp, "s3.log"), child_env)
        self.kms = ServiceProcess("s3lab-kms", [
            KMS_BIN, "--data-dir", self.data_dir, "--bind", "127.0.0.1", "--port", str(self.kms_port),
            "--tls-port", str(self.kms_tls_port), *kms_args], os.path.join(self.tmp, "kms.log"), child_env)
        self._creds = None
        self._closed = False
        for name in ("config", "credentials"):
            open(os.path.join(self.tmp, "aws_" + name), "w").close()

    # ---- lifecycle ------------------------------------------------------------------------------
    def start(self):
        _LIVE.add(self)
        try:
            self.s3.start()
            if self.start_kms:
                self.kms.start()
        except Exception:
            self.close()
            raise
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def stop(self):
        """Stops both services with SIGTERM; returns (s3 rc, kms rc)."""
        return self.s3.stop(), self.kms.stop()

    def restart(self):
        """Clean stop (SIGTERM) and start again on the same ports and data dir."""
        self.stop()
        self.s3.start()
        if self.start_kms:
            self.kms.start()

    def kill9(self, which=("s3", "kms")):
        """SIGKILL the named services (no clean shutdown)."""
        for name in which:
            getattr(self, name).kill()

    def start_services(self):
        """Starts the services after stop()/kill9()."""
        self.s3.start()
        if self.start_kms:
            self.kms.start()

    def close(self):
        if self._closed:
            return
        self._closed = True
        self.kms.stop(5)
        self.s3.stop(5)
        _LIVE.discard(self)
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def logs(self):
        return self.s3.stderr_tail() + "\n" + self.kms.stderr_tail()

    # ---- endpoints and credentials --------------------------------------------------------------
    def endpoint(self, service="s3", https=False):
        if service == "kms":
            port = self.kms_tls_port if https else self.kms_port
        else:
            port = self.s3_tls_port if https else self.s3_port
        return f"{'https' if https else 'http'}://127.0.0.1:{port}"

    @property
    def ca_bundle(self):
        return os.path.join(self.data_dir, "tls", "ca.pem")

    def root_credentials(self, account_id=ACCOUNT_ID):
        """(access key id, secret) of the account root, from `s3lab env` or else iam.db."""
        if account_id == ACCOUNT_ID and self._creds:
            return self._creds
        creds = self._creds_from_cli() if account_id == ACCOUNT_ID else None
        if creds is None:
            creds = self._creds_from_db(account_id)
        if account_id == ACCOUNT_ID:
            self._creds = creds
        return creds

    def _creds_from_cli(self):
        if not os.access(CLI_BIN, os.X_OK):
            return None
        try:
            rc, out, _ = self.s3lab("env", timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        found = {}
        for line in out.splitlines():
            line = line.strip()
            if line.startswith("export "):
                line = line[len("export "):]
            if "=" in line:
                k, v = line.split("=", 1)
                found[k.strip()] = v.strip().strip("'\"")
        if rc == 0 and found.get("AWS_ACCESS_KEY_ID") and found.get("AWS_SECRET_ACCESS_KEY"):
            return found["AWS_ACCESS_KEY_ID"], found["AWS_SECRET_ACCESS_KEY"]
        return None

    def _creds_from_db(self, account_id):
        db = os.path.join(self.data_dir, "iam.db")
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            row = con.execute("SELECT access_key_id, secret_access_key FROM access_keys WHERE account_id=? "
                              "AND user_name='' AND status='Active' ORDER BY create_millis LIMIT 1",
                              (account_id,)).fetchone()
        finally:
            con.close()
        if not row:
            raise RuntimeError(f"no root access key for {account_id} in {db}")
        return row[0], row[1]

    def env(self, https=False, access_key=None, secret_key=None, session_token=None, **extra):
        """Environment for the aws CLI: endpoints, root keys (or the given ones), region, CA, isolation."""
        if access_key is None:
            access_key, secret_key = self.root_credentials()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "AWS_ENDPOINT_URL": self.endpoint("s3", https),
            "AWS_ENDPOINT_URL_KMS": self.endpoint("kms", https),
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_CA_BUNDLE": self.ca_bundle,
            "AWS_CONFIG_FILE": os.path.join(self.tmp, "aws_config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.tmp, "aws_credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
        })
        if session_token:
            env["AWS_SESSION_TOKEN"] = session_token
        env.update(extra)
        return env

    def client(self, service, https=False, region=None, config=None, **creds):
        """boto3 client with default settings against this instance. creds: aws_access_key_id=...,
        aws_secret_access_key=..., aws_session_token=... (default: the lab account root)."""
        import boto3  # noqa: imported lazily so the harness itself stays stdlib-only
        if "aws_access_key_id" not in creds:
            ak, sk = self.root_credentials()
            creds = dict(creds, aws_access_key_id=ak, aws_secret_access_key=sk)
        session = boto3.session.Session(region_name=region or self.region, **creds)
        return session.client(service, endpoint_url=self.endpoint("kms" if service == "kms" else "s3", https),
                              verify=self.ca_bundle if https else None, config=config)

    # ---- command-line tools ---------------------------------------------------------------------
    def aws(self, *args, https=False, input=None, timeout=300, env=None):
        """Runs the aws CLI (v1, this python) with env(); returns (rc, stdout, stderr), text unless
        `input` is bytes."""
        text = not isinstance(input, bytes)
        kw = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
        p = subprocess.run([sys.executable, "-m", "awscli", *args], capture_output=True, text=text,
                           env=env or self.env(https=https), timeout=timeout, **kw)
        return p.returncode, p.stdout, p.stderr

    def cli_flags(self):
        """The instance flags every `s3lab` subcommand takes."""
        return ["--data-dir", self.data_dir, "--s3-port", str(self.s3_port), "--s3-tls-port",
                str(self.s3_tls_port), "--kms-port", str(self.kms_port), "--kms-tls-port",
                str(self.kms_tls_port), "--console-port", str(self.console_port)]

    def s3lab(self, subcommand, *args, timeout=120):
        """Runs build/labs/s3lab <subcommand> <instance flags> <args>; returns (rc, stdout, stderr)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("S3LAB_")}
        env["S3LAB_BUILD_DIR"] = BUILD
        p = subprocess.run([CLI_BIN, subcommand, *self.cli_flags(), *args], capture_output=True, text=True,
                           env=env, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr

    def clock(self, delta):
        """Advances the lab clock with `s3lab clock <delta>` (e.g. "+2h"); waits for the services' cache."""
        rc, out, err = self.s3lab("clock", delta)
        if rc != 0:
            raise RuntimeError(f"s3lab clock {delta} failed ({rc}): {out}{err}")
        time.sleep(1.2)  # LabClock re-reads the offset at most once per second

    # ---- state on disk --------------------------------------------------------------------------
    def data_files(self):
        """Every regular file under the data dir (absolute paths, sorted)."""
        found = []
        for base, _, files in os.walk(self.data_dir):
            found.extend(os.path.join(base, f) for f in files)
        return sorted(found)


def _unittest():
    import unittest
    return unittest


class InstanceTestCase(_unittest().TestCase):
    """One fresh Instance per test class as `cls.inst` (kwargs from `instance_kwargs`); the services'
    stderr tails are printed after a failing test. S3LAB_KEEP_TMP=1 keeps the temp dirs."""
    instance_kwargs = {}

    @classmethod
    def setUpClass(cls):
        cls.inst = Instance(**cls.instance_kwargs).start()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    @classmethod
    def seed_bucket(cls, bucket, objects):
        """Creates `bucket` as the lab account's root and puts {key: body bytes} into it; returns the client."""
        s3 = cls.inst.client("s3")
        s3.create_bucket(Bucket=bucket)
        for key, body in objects.items():
            s3.put_object(Bucket=bucket, Key=key, Body=body)
        return s3

    def tearDown(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result and any(t is self for t, _ in result.errors + result.failures):
            sys.stderr.write("\n" + self.inst.logs() + "\n")

    def assertCode(self, fn, code, status=None, message=None, **kw):
        """fn(**kw) raises a botocore ClientError with this error code (and status and message when
        given); returns the error response for further checks."""
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as cm:
            fn(**kw)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, cm.exception.response)
        if status is not None:
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        if message is not None:
            self.assertEqual(err.get("Message"), message)
        return cm.exception.response

    def assertAlive(self):
        """The S3 process still runs and answers a signed request."""
        self.assertTrue(self.inst.s3.alive(), "s3lab-s3 died\n" + self.inst.s3.stderr_tail())
        self.inst.client("s3").list_buckets()
