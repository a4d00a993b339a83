#!/usr/bin/env bash
# Every test of s3lab, in five sections, then a summary; exits non-zero if anything failed.
#   unit         meson test -C <build>: the doctest executables (test_common, test_kms, test_emulator, test_labs)
#   asan         the same unit tests built in <build>-asan with ASan+UBSan (debug), only the tests/test_* targets
#   integration  python3 -m unittest discover -s tests/integration -p 'test_*.py' -v  (boto3 + aws CLI
#                against real processes; each test class starts its own instance on free ports with a
#                temporary data dir through tests/integration/harness.py)
#   console      the browser console in headless chromium: tests/console/test_console.py (node +
#                playwright-core from web/node_modules, Debian's /usr/bin/chromium) and its JSON API
#   labs         every labs/*.yaml with `s3lab run <lab> --auto` against a fresh instance (run_lab.py)
# Usage: tests/run.sh <build-dir> [--quick] [-k PATTERN]... [--only SECTION[,SECTION]]
#   --quick   skip the ASan+UBSan build;  -k  select integration and console tests (unittest -k, repeatable)
#   --only    run only these sections (unit, asan, integration, console, labs)
# Normally called by `./s3lab test` (which builds <build-dir> first). Each section runs under `timeout`
# in its own process group; on exit, Ctrl-C or TERM that group is killed, so no service outlives the run.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 2; }
case "$1" in -h|--help) usage; exit 0 ;; esac
build="$(cd "$1" 2>/dev/null && pwd)" || { echo "run.sh: build dir '$1' does not exist" >&2; exit 2; }
shift
quick=0; only=""; kargs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    -k) [ $# -ge 2 ] || { usage >&2; exit 2; }; kargs+=(-k "$2"); shift ;;
    --only) [ $# -ge 2 ] || { usage >&2; exit 2; }; only=",$2,"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
asan_build="${build}-asan"
logs="$(mktemp -d "${TMPDIR:-/tmp}/s3lab-test.XXXXXX")"
export S3LAB_BUILD_DIR="$build" root asan_build
export PYTHONDONTWRITEBYTECODE=1
export PYTHONUNBUFFERED=1

job=""
kill_job() {
  [ -n "$job" ] || return 0
  kill -TERM -- "-$job" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$job" 2>/dev/null || break; sleep 0.3; done
  kill -KILL -- "-$job" 2>/dev/null
  wait "$job" 2>/dev/null
  job=""
}
on_exit() { kill_job; rm -rf "$logs"; }
trap on_exit EXIT
trap 'echo; echo "run.sh: interrupted" >&2; exit 130' INT TERM

names=(); results=(); times=(); notes=()
record() { names+=("$1"); results+=("$2"); times+=("$3"); notes+=("$4"); }
wanted() { [ -z "$only" ] || [[ "$only" == *",$1,"* ]]; }
header() { printf '\n==================== %s ====================\n' "$*"; }

# run_cmd SECONDS LOGFILE CMD...: runs CMD in its own process group (timeout makes itself the group
# leader and kills the group when the time is up), output to the terminal and LOGFILE; returns its rc.
run_cmd() {
  local secs="$1" log="$2" tee_pid rc; shift 2
  exec 3> >(tee -a "$log"); tee_pid=$!
  timeout --kill-after=15 "$secs" "$@" </dev/null >&3 2>&1 &
  job=$!
  wait "$job"; rc=$?
  job=""
  exec 3>&-
  wait "$tee_pid" 2>/dev/null
  [ "$rc" -eq 124 ] && echo "run.sh: timed out after ${secs}s: $*" | tee -a "$log"
  return "$rc"
}

section() {  # section NAME SECONDS CMD...: run_cmd + timing + summary line (failing lines from the log)
  local name="$1" secs="$2"; shift 2
  local log="$logs/$name.log" start=$SECONDS rc
  : > "$log"
  run_cmd "$secs" "$log" "$@"; rc=$?
  local failed
  failed="$(grep -E '^FAILED: |^(FAIL|ERROR): |^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT) |^LAB FAIL ' "$log" | sed 's/^ *//' | awk '!seen[$0]++' | head -30)"
  if [ "$rc" -eq 0 ]; then record "$name" PASS $((SECONDS - start)) ""
  else record "$name" FAIL $((SECONDS - start)) "${failed:-exit code $rc}"; fi
}

# ---- unit tests ----------------------------------------------------------------------------------
if wanted unit; then
  header "unit tests (meson test -C $build)"
  section unit 900 meson test -C "$build" --print-errorlogs
fi

# ---- unit tests under ASan + UBSan ---------------------------------------------------------------
asan_section() {
  set -e
  if [ ! -f "$asan_build/build.ninja" ]; then
    rm -rf "$asan_build"
    meson setup "$asan_build" "$root" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
  fi
  mapfile -t targets < <(meson introspect --targets "$asan_build" | python3 -c '
import json, os, sys
build = sys.argv[1]
for t in json.load(sys.stdin):
    if t["type"] == "executable" and t["name"].startswith("test_"):
        print(os.path.relpath(t["filename"][0], build))' "$asan_build")
  [ ${#targets[@]} -gt 0 ] || { echo "no tests/test_* targets"; return 0; }
  echo "building ${targets[*]}"
  ninja -C "$asan_build" "${targets[@]}"
  ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:print_summary=1" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:print_summary=1" \
    meson test -C "$asan_build" --no-rebuild --print-errorlogs
}
if wanted asan; then
  header "unit tests with ASan+UBSan ($asan_build)"
  if [ "$quick" -eq 1 ]; then record asan SKIP 0 "--quick"; echo "skipped (--quick)"
  else export -f asan_section
       section asan 1500 bash -c asan_section; fi
fi

# ---- integration tests ---------------------------------------------------------------------------
if wanted integration; then
  header "integration tests (python3 -m unittest discover -s tests/integration ${kargs[*]:-})"
  section integration 1500 env -C "$root" python3 -m unittest discover -s tests/integration \
    -p 'test_*.py' -v "${kargs[@]}"
fi

# ---- console (browser tests) ---------------------------------------------------------------------
if wanted console; then
  header "console (python3 -m unittest discover -s tests/console ${kargs[*]:-}; headless chromium)"
  section console 900 env -C "$root" python3 -m unittest discover -s tests/console -p 'test_*.py' -v \
    "${kargs[@]}"
fi

# ---- labs ----------------------------------------------------------------------------------------
labs_section() {
  local lab rc all=0 n=0
  for lab in "$root"/labs/*.yaml; do
    [ -e "$lab" ] || continue
    n=$((n + 1))
    echo "---- lab ${lab#"$root"/}"
    python3 "$root/tests/integration/run_lab.py" --timeout 300 "$lab"; rc=$?
    if [ "$rc" -eq 0 ]; then echo "LAB PASS ${lab#"$root"/}"; else echo "LAB FAIL ${lab#"$root"/} (exit $rc)"; all=1; fi
  done
  echo "$n lab(s) run"
  [ "$n" -gt 0 ] || { echo "LAB FAIL no labs found under $root/labs"; all=1; }
  return "$all"
}
if wanted labs; then
  header "labs (s3lab run <lab> --auto)"
  export -f labs_section
  section labs 1200 bash -c labs_section
fi

# ---- summary -------------------------------------------------------------------------------------
header "summary"
status=0
for i in "${!names[@]}"; do
  printf '  %-12s %-5s %5ss\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
  if [ -n "${notes[$i]}" ]; then printf '%s\n' "${notes[$i]}" | sed 's/^/      /'; fi
  [ "${results[$i]}" = FAIL ] && status=1
done
if [ "$status" -eq 0 ]; then echo "all passed"; else echo "FAILED"; fi
exit "$status"
