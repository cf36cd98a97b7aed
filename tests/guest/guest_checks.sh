#!/bin/sh
# /init of the kernel-matrix guests (tests/kernels.sh boots it under qemu
# with each Debian kernel). busybox sh only: no python, no bash. It mounts
# the kernel file systems, brings up lo, then runs every bundled example
# from /bin with --json against events it makes itself, and checks the
# decoded fields with grep and sed. The checks are tests/assert.sh's (the
# initramfs carries it as /bin/assert.sh), so the console shows the same
# lines as any test script, with the example in place of the script:
#
#   BUMBLE-START KERNEL up SECONDS s, N cpu
#   ok - EXAMPLE: WHAT        (not ok, then "#   DETAIL" lines; skip)
#   BUMBLE-UPTIME SECONDS
#   BUMBLE-DONE KERNEL N      (N: how many checks came before)
#
# then it powers the machine off.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
ip link set lo up

KERNEL=$(uname -r)
BTF_ARCH=x86_64
# what tests/kernels.sh says of this guest's arch (BTF_ARCH: btfhub's name)
[ -f /bin/guest.env ] && . /bin/guest.env
WORK=/tmp
BUMBLE_RESULTS=/tmp/results
SCRIPT=guest
: >"$BUMBLE_RESULTS"
. /bin/assert.sh
echo "BUMBLE-START $KERNEL up $(cut -d" " -f1 /proc/uptime) s, $(nproc) cpu, $(uname -m)"
major=$(uname -r | sed 's/^\([0-9]*\)\..*/\1/')
minor=$(uname -r | sed 's/^[0-9]*\.\([0-9]*\).*/\1/')
version=$((major * 100 + minor))
# fentry/fexit on kernel functions: arm64 has them from Linux 6.4 on
# (BPF trampolines need ftrace direct calls there; 6.1 refuses: ENOTSUPP)
if [ "$(uname -m)" != aarch64 ] || [ "$version" -ge 604 ]; then
	test_set_prereq TRAMPOLINES
fi
PREREQ_REASON_TRAMPOLINES="arm64 attaches fentry/fexit to kernel functions from Linux 6.4 on"
# arm64 has no open(2), so no syscalls/sys_enter_open tracepoint
[ -d /sys/kernel/tracing/events/syscalls/sys_enter_open ] ||
	test_set_prereq NO_OPEN_TRACEPOINT
PREREQ_REASON_NO_OPEN_TRACEPOINT="this kernel has open(2): opensnoop attaches every program"

RUNS=0
# start NAME ARGS...: runs /bin/NAME --json ARGS in the background (stdout
# in $OUT, stderr in $ERR; fail shows them) and waits until it says
# "attached"; where the checks' prerequisites are missing, does nothing
start() {
	name=$1
	shift
	RUNS=$((RUNS + 1))
	OUT=/tmp/$name.$RUNS.json
	ERR=/tmp/$name.$RUNS.err
	if ! scope_met; then
		: >"$OUT"
		return 0
	fi
	"/bin/$name" --json "$@" >"$OUT" 2>"$ERR" </dev/null &
	TPID=$!
	i=0
	while [ $i -lt 600 ]; do # 60 s: software emulation is slow
		grep -q attached "$ERR" && return 0
		if ! kill -0 $TPID 2>/dev/null; then
			wait $TPID
			TRC=$?
			detail "exit code $TRC"
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	detail "not attached after 60 s"
	kill -KILL $TPID
	return 1
}
# stop: SIGINT, exit code in $TRC (SIGKILL after 20 s)
stop() {
	TRC=0
	scope_met || return 0
	sleep 0.3 # let the last events reach the ring buffer reader
	kill -INT $TPID
	i=0
	while kill -0 $TPID 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 $TPID 2>/dev/null; then
		detail "still running 20 s after SIGINT: killed"
		kill -KILL $TPID
	fi
	wait $TPID
	TRC=$?
}
# stopped [WHAT]: stop, and check the exit code
stopped() {
	stop
	check "${1:+$1: }SIGINT: exit 0" [ "$TRC" = 0 ]
}

# reap PID...: waits for each (SIGKILL after 10 s: a stuck nc must not
# hang the guest)
reap() {
	for p in "$@"; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 "$p" 2>/dev/null; then
			detail "process $p still running after 10 s: killed"
			kill -KILL "$p"
		fi
		wait "$p"
	done
}

# has FILE KEY=JSON...: some line of FILE has every "KEY":JSON (JSON as
# printed: 7, -2, "bexit"); the matching lines are left in /tmp/has
has() {
	cp "$1" /tmp/has
	shift
	for kv in "$@"; do
		k=${kv%%=*}
		v=${kv#*=}
		grep -F -e "\"$k\":$v," -e "\"$k\":$v}" /tmp/has >/tmp/has.next
		mv /tmp/has.next /tmp/has
	done
	[ -s /tmp/has ]
}
# num KEY: the number "KEY" has in the first line has() left
num() {
	sed -n "1s/.*\"$1\":\(-\{0,1\}[0-9]*\).*/\1/p" /tmp/has
}
# wait_listen PORT: until a TCP socket listens on PORT
wait_listen() {
	i=0
	while [ $i -lt 100 ]; do
		netstat -ltn 2>/dev/null | grep -q ":$1 " && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# script NAME BODY: /tmp/NAME, a shell script (its comm is NAME)
script() {
	printf '#!/bin/sh\n%s\n' "$2" >"/tmp/$1"
	chmod 755 "/tmp/$1"
}
have() { [ -x "/bin/$1" ]; }
# none FILE ERE: FILE has lines, and none matches ERE
none() { [ -s "$1" ] && ! grep -q -E "$2" "$1"; }
# all FILE STRING: FILE has lines, and every one contains STRING
all() { [ -s "$1" ] && ! grep -v -F "$2" "$1" | grep -q .; }

# --- the environment every tool needs -------------------------------------
check "BTF at /sys/kernel/btf/vmlinux" [ -s /sys/kernel/btf/vmlinux ]
check "tracefs mounted" [ -d /sys/kernel/tracing/events/syscalls ]

# --- execsnoop: tracepoints on execve entry and exit -----------------------
SCRIPT=execsnoop
if ! have execsnoop; then
	fail "the tool is in the image"
elif start execsnoop; then
	pass "attached"
	script bmark 'exit 0'
	/tmp/bmark &
	mpid=$!
	wait $mpid
	/tmp/no-such-program 2>/dev/null
	stopped
	check "marker exec seen: filename, pid, ppid 1, uid 0, ret 0, comm" \
		has "$OUT" filename='"/tmp/bmark"' pid=$mpid ppid=1 uid=0 ret=0 \
		comm='"bmark"'
	check "failed exec seen with ret -2 (ENOENT)" \
		has "$OUT" filename='"/tmp/no-such-program"' ret=-2
else
	fail "attached"
fi

# --- exitsnoop: sched_process_exit, CO-RE reads of task_struct ------------
SCRIPT=exitsnoop
if ! have exitsnoop; then
	fail "the tool is in the image"
elif start exitsnoop; then
	pass "attached"
	script bexit 'sleep 0.2; exit 7'
	script bsig 'kill -TERM $$'
	/tmp/bexit &
	p7=$!
	wait $p7
	/tmp/bsig &
	psig=$!
	wait $psig 2>/dev/null # no "Terminated" on the console
	stopped
	check "exit code 7 with pid, ppid 1, comm, sig 0" \
		has "$OUT" pid=$p7 ppid=1 exit_code=7 sig=0 comm='"bexit"'
	has "$OUT" pid=$p7 comm='"bexit"'
	age=$(num age)
	check "lifetime covers the 0.2 s sleep (age ${age:-?} ns)" \
		[ "${age:-0}" -ge 200000000 -a "${age:-0}" -lt 60000000000 ]
	check "killed by SIGTERM: sig by name, exit code 0" \
		has "$OUT" pid=$psig sig='"SIGTERM"' exit_code=0
else
	fail "attached"
fi

# --- opensnoop: parameters (--failed, --pid) filter in the kernel --------
SCRIPT=opensnoop
echo one >/tmp/m-one
echo two >/tmp/m-two
if ! have opensnoop; then
	fail "the tool is in the image"
elif start opensnoop --failed; then
	pass "--failed: attached"
	read -r _ </tmp/m-one
	read -r _ 2>/dev/null </tmp/missing-file
	stopped --failed
	check "--failed: the failed open, with ret -2" \
		has "$OUT" filename='"/tmp/missing-file"' ret=-2 pid=1
	check "--failed: no successful open reported" \
		none "$OUT" '"ret":[0-9]|m-one'
	needs NO_OPEN_TRACEPOINT check \
		"no open(2) here: the tool says it skipped open_enter and open_exit" \
		sh -c "grep -q \"skipped program 'open_enter': no 'open' system call\" $ERR &&
			grep -q \"skipped program 'open_exit'\" $ERR"
else
	fail "--failed: attached"
fi
if have opensnoop; then
	rm -f /tmp/go
	(
		while [ ! -e /tmp/go ]; do sleep 0.1; done
		read -r _ </tmp/m-one
	) &
	target=$!
	if start opensnoop --pid $target; then
		pass "--pid: attached"
		read -r _ </tmp/m-two
		echo >/tmp/go
		reap $target
		stopped --pid
		check "--pid: the target's open, fd >= 0" \
			has "$OUT" filename='"/tmp/m-one"' pid=$target
		check "--pid: every event is the target's" \
			all "$OUT" "\"pid\":$target,"
	else
		fail "--pid: attached"
		echo >/tmp/go
		reap $target
	fi
fi

# --- tcpstates: sock:inet_sock_set_state over 127.0.0.1, --port -------------
SCRIPT=tcpstates
if ! have tcpstates; then
	fail "the tool is in the image"
elif start tcpstates --port 5555; then
	pass "--port 5555: attached"
	nc -l -p 5555 >/dev/null &
	l1=$!
	nc -l -p 5556 >/dev/null &
	l2=$!
	if wait_listen 5555 && wait_listen 5556; then
		echo hello | nc 127.0.0.1 5556
		echo hello | nc 127.0.0.1 5555
	else
		detail "nc did not listen on 5555 and 5556"
	fi
	reap $l1 $l2
	stopped
	check "CLOSE -> SYN_SENT to ::ffff:127.0.0.1:5555, by nc's connect" \
		has "$OUT" daddr='"::ffff:127.0.0.1"' dport=5555 \
		oldstate='"CLOSE"' newstate='"SYN_SENT"' comm='"nc"'
	# the SYN-ACK may be taken in softirq context, ksoftirqd's
	check "SYN_SENT -> ESTABLISHED to ::ffff:127.0.0.1:5555" \
		has "$OUT" daddr='"::ffff:127.0.0.1"' dport=5555 \
		oldstate='"SYN_SENT"' newstate='"ESTABLISHED"'
	in_old=$(num in_old)
	check "time in SYN_SENT is measured (${in_old:-?} ns)" \
		[ "${in_old:-0}" -gt 0 ]
	check "the listener's LISTEN -> CLOSE on port 5555" \
		has "$OUT" sport=5555 oldstate='"LISTEN"' newstate='"CLOSE"'
	check "--port 5555 reaches the kernel: port 5556 is not shown" \
		none "$OUT" '"(s|d)port":5556[,}]'
else
	fail "--port 5555: attached"
fi

only_5558() { has "$1" dport=5558 && none "$1" '"dport":5557[,}]'; }

# --- tcpconnect: kprobe + kretprobe on tcp_v4_connect ---------------------
SCRIPT=tcpconnect
needs KPROBES
if ! have tcpconnect; then
	fail "the tool is in the image"
elif start tcpconnect; then
	pass "kprobe + kretprobe attached"
	nc -l -p 5557 >/dev/null &
	l1=$!
	wait_listen 5557 || detail "nc did not listen on 5557"
	echo hello | nc 127.0.0.1 5557 &
	c1=$!
	reap $c1 $l1
	stopped
	check "connect seen: pid, uid 0, comm nc, 127.0.0.1 -> 127.0.0.1:5557" \
		has "$OUT" pid=$c1 uid=0 comm='"nc"' saddr='"127.0.0.1"' \
		daddr='"127.0.0.1"' dport=5557
	if start tcpconnect --port 5558; then
		pass "--port 5558: attached"
		nc -l -p 5557 >/dev/null &
		l1=$!
		nc -l -p 5558 >/dev/null &
		l2=$!
		if ! wait_listen 5557 || ! wait_listen 5558; then
			detail "nc did not listen on 5557 and 5558"
		fi
		echo hello | nc 127.0.0.1 5557
		echo hello | nc 127.0.0.1 5558
		reap $l1 $l2
		stopped "--port 5558"
		check "--port 5558 reaches the kernel: only that connect" \
			only_5558 "$OUT"
	else
		fail "--port 5558: attached"
	fi
else
	fail "kprobe + kretprobe attached"
fi
needs -

# --- xdpcount: XDP (generic) on lo, a UDP datagram and a ping -------------
SCRIPT=xdpcount
if ! have xdpcount; then
	fail "the tool is in the image"
elif start xdpcount --iface lo; then
	pass "attached to lo"
	nslookup bumble.test 127.0.0.1 >/dev/null 2>&1 &
	ns=$!
	ping -c 2 -W 1 127.0.0.1 >/dev/null 2>&1
	sleep 0.5
	kill $ns 2>/dev/null
	wait $ns
	stopped
	check "a UDP datagram 127.0.0.1 -> 127.0.0.1 (nslookup), with its length" \
		has "$OUT" saddr='"127.0.0.1"' daddr='"127.0.0.1"' proto='"L4_UDP"'
	len=$(num len)
	check "IP length of that datagram is sane (${len:-?})" \
		[ "${len:-0}" -gt 28 -a "${len:-0}" -lt 600 ]
	check "ICMP echo (ping) seen" has "$OUT" proto='"L4_ICMP"'
else
	fail "attached to lo"
fi

# --- fixtures/fentry: fentry + fexit on tcp_v4_connect (BPF trampolines) ----
SCRIPT=fixtures/fentry
# where the kernel cannot (arm64 before 6.4): refused, saying what and why
refused_fentry() {
	grep "program 'connect_entry' (section 'fentry/tcp_v4_connect') failed to attach" "$1" >/tmp/fentry.line &&
		grep -q "fentry/fexit may be unavailable on this kernel" /tmp/fentry.line &&
		! grep -q "No error information" /tmp/fentry.line
}
needs !TRAMPOLINES
OUT=/tmp/fentry.json
ERR=/tmp/fentry.err
step sh -c "/bin/fentry --json --duration 10 >$OUT 2>$ERR </dev/null; echo \$? >/tmp/fentry.rc"
TRC=$(cat /tmp/fentry.rc 2>/dev/null)
check "without fentry/fexit on this kernel: refused to attach, exit 7" [ "$TRC" = 7 ]
check "the error names the program and the reason (not libc's 'No error information')" \
	refused_fentry "$ERR"
needs TRAMPOLINES
if ! have fentry; then
	fail "the tool is in the image"
elif start fentry; then
	pass "fentry + fexit attached"
	nc -l -p 5559 >/dev/null &
	l1=$!
	wait_listen 5559 || detail "nc did not listen on 5559"
	echo hello | nc 127.0.0.1 5559 &
	c1=$!
	reap $c1 $l1
	stopped
	check "fentry: the address being connected to, from the arguments" \
		has "$OUT" hook='"ENTRY"' pid=$c1 comm='"nc"' daddr='"127.0.0.1"' \
		dport=5559
	check "fexit: the socket's address and port, and ret 0" \
		has "$OUT" hook='"EXIT"' pid=$c1 daddr='"127.0.0.1"' dport=5559 ret=0
else
	fail "fentry + fexit attached"
fi
needs -

# --- fixtures/atomic_fetch: BPF_ATOMIC | BPF_FETCH needs Linux 5.12 ---------
SCRIPT=fixtures/atomic_fetch
seq01() { has "$1" seq=0 && has "$1" seq=1; }
rejected_clearly() {
	grep -q "'on_exec'" "$1" &&
		grep -q "BPF_STX uses reserved fields" "$1"
}
if ! have atomic_fetch; then
	fail "the tool is in the image"
elif [ "$version" -ge 512 ]; then
	if start atomic_fetch; then
		pass "loads on Linux 5.12+"
		script bmark 'exit 0'
		/tmp/bmark
		/tmp/bmark
		stopped
		check "the fetched values count the execs: seq 0 and 1" seq01 "$OUT"
	else
		fail "loads on Linux 5.12+"
	fi
else
	OUT=/tmp/atomic_fetch.json
	ERR=/tmp/atomic_fetch.err
	/bin/atomic_fetch --json --duration 10 >"$OUT" 2>"$ERR" </dev/null
	TRC=$?
	[ "$TRC" = 5 ] || detail "exit code $TRC"
	check "rejected before Linux 5.12 as a verifier rejection: exit 5" \
		[ "$TRC" = 5 ]
	check "the error names the program and shows 'BPF_STX uses reserved fields'" \
		rejected_clearly "$ERR"
fi

# --- fixtures/kprobe_missing: a kprobe on a function the kernel lacks -----
SCRIPT=fixtures/kprobe_missing
needs KPROBES
if ! have kprobe_missing; then
	fail "the tool is in the image"
else
	OUT=/tmp/kprobe_missing.json
	ERR=/tmp/kprobe_missing.err
	/bin/kprobe_missing --json --duration 10 >"$OUT" 2>"$ERR" </dev/null
	TRC=$?
	[ "$TRC" = 7 ] || detail "exit code $TRC"
	check "refused to attach: exit 7" [ "$TRC" = 7 ]
	check "the error names the function, not missing kprobe support" \
		grep -q "kernel function 'bumble_no_such_function' does not exist on this kernel" "$ERR"
fi
needs -

# --- fixtures/plain_kprobe_pair: fentry and kprobe of tcp_v4_connect ------
# unannotated (the event type inferred); only the fentry one may run, and
# the kprobe on a function no kernel has is skipped with a warning
SCRIPT=fixtures/plain_kprobe_pair
if ! have plain_kprobe_pair; then
	fail "the tool is in the image"
elif start plain_kprobe_pair; then
	pass "fentry/kprobe pair attached"
	nc -l -p 5560 >/dev/null &
	l1=$!
	wait_listen 5560 || detail "nc did not listen on 5560"
	echo hello | nc 127.0.0.1 5560 &
	c1=$!
	reap $c1 $l1
	stopped
	# arm64 before Linux 6.4 has no BPF trampolines: fentry loads but
	# cannot attach, and the tool loads the kprobe alternative instead
	want=1 other=2 who=fentry
	rel=$(uname -r)
	major=${rel%%.*}
	minor=${rel#*.}
	minor=${minor%%.*}
	if [ "$(uname -m)" = aarch64 ] &&
		[ "$major" -lt 6 -o \( "$major" = 6 -a "$minor" -lt 4 \) ]; then
		want=2 other=1 who=kprobe
		check "no trampolines: the kprobe alternative loaded instead, said" \
			grep -q "loading their raw_tp/kprobe/kretprobe alternatives instead" "$ERR"
	fi
	check "the connect seen once, by the $who program" \
		has "$OUT" pid=$c1 via=$want
	check "... not by the other too" none "$OUT" "\"pid\":$c1,\"via\":$other"
	check "the missing function: skipped with a warning" grep -q \
		"program 'nowhere' is skipped" "$ERR"
else
	fail "fentry/kprobe pair attached"
fi

# --- fixtures/fentry_untraceable: fentry where no trampoline goes ---------
# Debian's 6.12 has blk_account_io_start in its BTF but refuses a
# trampoline on it (EBUSY on x86_64, ENOTSUPP on arm64): that program is
# skipped with a warning and the tool runs on its tracepoint; before 6.12
# both attach
SCRIPT=fixtures/fentry_untraceable
needs TRAMPOLINES
if ! have fentry_untraceable; then
	fail "the tool is in the image"
elif start fentry_untraceable; then
	pass "attached"
	/bin/true
	sleep 0.3
	stopped
	check "its tracepoint program runs: the exec of true seen" \
		grep -q '"comm":"true"' "$OUT"
	if [ "$version" -ge 612 ]; then
		check "6.12: the fentry program skipped, with a warning" \
			grep -q "warning: program 'io_start' (section 'fentry/blk_account_io_start') failed to attach: .*; skipped" "$ERR"
	fi
else
	fail "attached"
fi
needs -

# --- syscount, runqlat, tcpconns: --metrics, scraped with busybox wget ----
# scrape FILE: GET /metrics of the tool started with --metrics 9435
scrape() {
	wget -q -O "$1" http://127.0.0.1:9435/metrics
}
SCRIPT=syscount
if ! have syscount; then
	fail "the tool is in the image"
elif start syscount --metrics 9435; then
	pass "attached, serving /metrics"
	scrape /tmp/syscount.prom
	stopped
	check "the counter map's TYPE line" \
		grep -qx '# TYPE syscount_syscalls_total counter' /tmp/syscount.prom
	check "wget's own system calls in the scrape, by call and name" \
		grep -q '^syscount_syscalls_total{nr="[a-z0-9_]*",comm="wget"} [1-9]' \
		/tmp/syscount.prom
else
	fail "attached, serving /metrics"
fi
SCRIPT=runqlat
if ! have runqlat; then
	fail "the tool is in the image"
elif start runqlat --metrics 9435; then
	pass "attached (tp_btf on the sched tracepoints)"
	sleep 0.5
	scrape /tmp/runqlat.prom
	stopped
	check "a histogram with +Inf and _count" \
		grep -q '^runqlat_runq_latency_bucket{le="+Inf"} [1-9]' /tmp/runqlat.prom
	check "the histogram in the snapshot on exit" grep -q \
		'"final":true,"maps":{.*"hist_runq_latency":{"role":"hist","entries":\[{"labels":{},"buckets":\[{"low":' \
		"$OUT"
else
	fail "attached (tp_btf on the sched tracepoints)"
fi
SCRIPT=tcpconns
if ! have tcpconns; then
	fail "the tool is in the image"
elif start tcpconns --port 5561 --metrics 9435; then
	pass "attached"
	nc -l -p 5561 >/dev/null &
	l1=$!
	wait_listen 5561 || detail "nc did not listen on 5561"
	scrape /tmp/tcpconns.prom
	kill $l1 2>/dev/null
	reap $l1
	stopped
	check "a listener on 5561: the LISTEN gauge is 1" \
		grep -qx 'tcpconns_tcp_states{state="LISTEN"} 1' /tmp/tcpconns.prom
else
	fail "attached"
fi

# --- bashreadline: a uretprobe on /bin/bash --------------------------------
SCRIPT=bashreadline
skip "uretprobe on /bin/bash:readline" "the guest has no bash, only busybox"

# --- kernels without BTF: /sys/kernel/btf hidden; exitsnoop_btf carries
# this kernel's BTF (bumble bundle --btf-dir), plain exitsnoop does not --
SCRIPT=no-btf
# points_at_btf: the run before exited 6 and its stderr names --btf FILE
points_at_btf() { [ "$TRC" = 6 ] && grep -q -- "--btf FILE" "$ERR"; }
if ! have exitsnoop_btf; then
	fail "the tool bundled with --btf-dir is in the image"
elif ! mount -t tmpfs none /sys/kernel/btf; then
	fail "hide /sys/kernel/btf"
else
	/bin/exitsnoop --duration 1 >/tmp/nobtf.out 2>/tmp/nobtf.err
	TRC=$?
	OUT=/tmp/nobtf.out
	ERR=/tmp/nobtf.err
	check "without BTF and none embedded: exit 6, pointing at --btf" \
		points_at_btf
	if start exitsnoop_btf; then
		pass "with BTF embedded for $KERNEL: attached"
		check "it says which embedded BTF it uses" \
			grep -q "using the embedded debian/[0-9]*/$BTF_ARCH/$KERNEL.btf.gz" "$ERR"
		script bnobtf 'exit 9'
		/tmp/bnobtf &
		p9=$!
		wait $p9
		stopped
		check "CO-RE reads through the embedded BTF: exit code 9, pid, ppid 1" \
			has "$OUT" pid=$p9 ppid=1 exit_code=9 comm='"bnobtf"'
	else
		fail "with BTF embedded for $KERNEL: attached"
	fi
	umount /sys/kernel/btf
fi

echo "BUMBLE-UPTIME $(cut -d" " -f1 /proc/uptime)"
echo "BUMBLE-DONE $KERNEL $(grep -c . "$BUMBLE_RESULTS")"
sync
poweroff -f
