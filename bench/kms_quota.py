#!/usr/bin/env python3
"""KMS request quotas, measured (issue 4): accuracy of the token buckets and the service's ceiling.

Starts a fresh s3lab (integration-test harness: both services, free ports, temporary data dir, the
default `exam` profile, auditing as shipped), then drives it with `s3lab load` (labs/runner/load.h):
  1. accuracy: 2x the quota for 5 s in a 5,500 region (us-west-1) and a 10,000 region (us-east-2):
     the accepted rate over seconds 2-5 must be within +-3% of the quota, every other call throttled,
     none failed; then 0.8x the quota: nothing throttled;
  2. ceiling: 40,000 req/s offered for 5 s in us-east-1 (quota 30,000): what the service answers per
     second (accepted + throttled) with the load generator on the same cores.
Usage: S3LAB_BUILD_DIR=build python3 bench/kms_quota.py [--seconds 5] [--skip-ceiling]
Prints a table; exit 1 when an accuracy check fails. Nothing here runs in ./s3lab test."""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import harness  # noqa: E402


def load(inst, region, rate, seconds, op="GenerateDataKey"):
    argv = [harness.CLI_BIN, "load", *inst.cli_flags(), "kms", op, "--region", region, "--rate", str(rate),
            "--seconds", str(seconds), "--json"]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=seconds * 10 + 60)
    try:
        summary = json.loads(p.stdout)
    except ValueError:
        print(p.stdout + p.stderr, file=sys.stderr)
        return []
    return [[s["second"], s["offered"], s["accepted"], s["throttled"], s["failed"]] for s in summary["per_second"]]


def summarize(rows, seconds):
    steady = [r for r in rows if 2 <= r[0] <= seconds]
    accepted = sum(r[2] for r in steady) / max(1, len(steady))
    answered = sum(r[2] + r[3] for r in steady) / max(1, len(steady))
    totals = [sum(r[i] for r in rows) for i in (1, 2, 3, 4)]
    return accepted, answered, totals


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--skip-ceiling", action="store_true")
    args = ap.parse_args()
    ok = True
    out = []
    with harness.Instance() as inst:
        for region, quota in (("us-west-1", 5500), ("us-east-2", 10000)):
            for factor in (2.0, 0.8):
                rows = load(inst, region, int(quota * factor), args.seconds)
                accepted, answered, (offered, acc, thr, failed) = summarize(rows, args.seconds)
                if factor > 1:
                    good = abs(accepted - quota) <= 0.03 * quota and failed == 0 and acc + thr == offered
                    verdict = f"{(accepted - quota) / quota * 100:+.1f}% of quota"
                else:
                    good = thr == 0 and failed == 0
                    verdict = "no throttling" if thr == 0 else f"{thr} throttled"
                ok = ok and good
                out.append(f"| {region} | {quota:,} | {factor}x = {int(quota * factor):,} | {offered:,} | "
                           f"{accepted:,.0f} | {thr:,} | {failed} | {verdict} {'ok' if good else 'FAIL'} |")
        ceiling = ""
        if not args.skip_ceiling:
            rows = load(inst, "us-east-1", 40000, args.seconds)
            accepted, answered, (offered, acc, thr, failed) = summarize(rows, args.seconds)
            ceiling = (f"ceiling: {answered:,.0f} req/s answered (accepted {accepted:,.0f} + throttled) with "
                       f"40,000 offered in us-east-1 (quota 30,000); {failed} failed")
    load_avg = os.getloadavg()[0]
    print(f"KMS quota accuracy, {args.seconds} s per run, load average {load_avg:.1f}")
    print("| region | quota | offered rate | requests offered | accepted/s (s 2-N) | throttled | failed | result |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    print("\n".join(out))
    if ceiling:
        print(ceiling)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
