#!/usr/bin/env bash
# Names, not numbers, on a real kernel with no typedef or flag: a count
# per system call keyed by raw_syscalls' id shows syscall names (numbers
# again under --per_pid true, when the key is a pid), and signals from
# signal_generate show by name.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" bundle "$FIXTURES/plain_names.bpf.c" -o "$WORK/plain_names"
check "bundle plain_names with no flags" test "$RC" = 0

needs ROOT # the checks below load the fixture into the kernel

if start_tool "$WORK/out.txt" "$WORK/plain_names" --top 0 --duration 30; then
	python3 -c 'import os, signal
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
for _ in range(3): os.kill(os.getpid(), signal.SIGUSR1)'
	cat /etc/hostname >/dev/null
	sleep 0.3
	stop_tool INT
	check "exit 0 on SIGINT" test "$RC" = 0
	check "the count per syscall: keyed by name (openat, kill)" python3 - \
		"$WORK/out.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
block = re.search(r"^calls:\n +KEY +VALUE\n((?: +\S+ +\d+\n)+)", text, re.M)
keys = re.findall(r"^ +(\S+) +\d+$", block.group(1), re.M) if block else []
sys.exit(0 if "openat" in keys and "kill" in keys and
         not any(k.isdigit() for k in keys) else 1)
PY
	check "the signals: SIGUSR1 by name" grep -Eq "^ *[0-9]+ +SIGUSR1( |$)" \
		"$WORK/out.txt"
fi

if start_tool "$WORK/pid.txt" "$WORK/plain_names" --per_pid true \
	--duration 30; then
	cat /etc/hostname >/dev/null
	sleep 0.3
	stop_tool INT
	check "--per_pid true: the keys are pids, shown as numbers" python3 - \
		"$WORK/pid.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
block = re.search(r"^calls:\n +KEY +VALUE\n((?: +\S+ +\d+\n)+)", text, re.M)
keys = re.findall(r"^ +(\S+) +\d+$", block.group(1), re.M) if block else []
sys.exit(0 if keys and all(k.isdigit() for k in keys) else 1)
PY
fi
