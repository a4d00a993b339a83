#!/usr/bin/env python3
"""Runs one lab (labs/*.yaml) in --auto mode against a fresh s3lab instance: free ports, a temporary
data dir, both services started by the harness (so they die with this process), then
`build/labs/s3lab run <lab> --auto <instance flags>` with the instance's environment. Exits with the
runner's exit code (124 if it hangs past --timeout). Used by tests/run.sh; handy by hand too:
    S3LAB_BUILD_DIR=build python3 tests/integration/run_lab.py labs/01-sse-s3-default.yaml
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lab")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    if not os.access(harness.CLI_BIN, os.X_OK):
        print(f"run_lab: {harness.CLI_BIN} is not built", file=sys.stderr)
        return 2
    with harness.Instance() as inst:
        env = inst.env()
        env["S3LAB_BUILD_DIR"] = harness.BUILD
        argv = [harness.CLI_BIN, "run", os.path.abspath(args.lab), "--auto", *inst.cli_flags()]
        print("+ " + " ".join(argv), flush=True)
        try:
            rc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, timeout=args.timeout,
                                cwd=harness.ROOT).returncode
        except subprocess.TimeoutExpired:
            print(f"run_lab: {args.lab} still running after {args.timeout:.0f}s", file=sys.stderr)
            rc = 124
        if rc != 0:
            print(inst.logs(), file=sys.stderr)
        return rc


if __name__ == "__main__":
    sys.exit(main())
