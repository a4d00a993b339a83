#!/usr/bin/env bash
# s3lab vs moto_server benchmark (see bench/README.md). Builds the release binaries and the load
# generator, then runs bench/bench.py, which starts both servers side by side on free ports and prints
# the table. Options are bench.py's: --duration S, --big-size BYTES (0 skips), --no-moto, --save.
# Environment: S3LAB_BUILD_DIR (default ./build). Every process it starts is stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${S3LAB_BUILD_DIR:-$root/build}"
export S3LAB_BUILD_DIR="$build" PYTHONDONTWRITEBYTECODE=1

[ -f "$build/build.ninja" ] || meson setup "$build" "$root" >&2
ninja -C "$build" emulator/s3lab-s3 kms/s3lab-kms >&2
loadgen="$build/bench/s3lab-loadgen"
if ninja -C "$build" -t targets all 2>/dev/null | grep -q '^bench/s3lab-loadgen:'; then
  ninja -C "$build" bench/s3lab-loadgen >&2
else
  # bench/ not yet part of the meson project: compile the load generator against the built common lib.
  loadgen="$build/bench-standalone/s3lab-loadgen"
  mkdir -p "$(dirname "$loadgen")"
  ninja -C "$build" common/libs3lab_common.a >&2
  if [ ! -x "$loadgen" ] || [ "$root/bench/loadgen.cc" -nt "$loadgen" ] ||
     [ "$build/common/libs3lab_common.a" -nt "$loadgen" ]; then
    echo "compiling $loadgen (bench/ is not in the meson project)" >&2
    # shellcheck disable=SC2046
    g++ -std=c++20 -O2 -I"$root" "$root/bench/loadgen.cc" "$build/common/libs3lab_common.a" -o "$loadgen" \
      $(pkg-config --cflags --libs cpp-httplib openssl sqlite3 zlib) -lSQLiteCpp -lpthread -ldl
  fi
fi
command -v moto_server >/dev/null || echo "bench: moto_server not found; use --no-moto" >&2

python3 "$root/bench/bench.py" --loadgen "$loadgen" "$@" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT INT TERM
wait "$pid"
