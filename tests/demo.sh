#!/usr/bin/env bash
# make demo: bundle examples/execsnoop.bpf.c into one static executable
# and run it for a few seconds while a few commands run, so the events
# are real ones from this machine.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/demo
mkdir -p "$OUT"

start=$(date +%s%N)
"$ROOT/build/bin/bumble" bundle "$ROOT/examples/execsnoop.bpf.c" -o "$OUT/execsnoop"
end=$(date +%s%N)
echo "bundled $OUT/execsnoop in $(((end - start) / 1000000)) ms:"
file -b "$OUT/execsnoop" | sed 's/^/  /'
ls -l "$OUT/execsnoop" | awk '{print "  " $5 " bytes"}'
echo

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "running: ${SUDO:+$SUDO }$OUT/execsnoop --duration 4"
(sleep 1.5; ls / >/dev/null; uname -r >/dev/null; sh -c 'id -u' >/dev/null) &
$SUDO "$OUT/execsnoop" --duration 4
wait
