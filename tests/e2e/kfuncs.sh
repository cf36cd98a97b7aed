#!/usr/bin/env bash
# kfuncs from bumble's vmlinux.h: a program calls bpf_task_from_pid and
# bpf_task_release with no declaration of its own, bundles, and on this
# kernel names the task each signal is sent to.
. "$(dirname "$0")/../lib.sh"

H=$(dirname "$BUMBLE")/../lib/bumble/include/vmlinux.h
check "vmlinux.h declares the kernel's kfuncs as bpftool does" grep -q \
	'^extern struct task_struct \*bpf_task_from_pid(s32 pid) __weak __ksym;$' \
	"$H"
check "... inside #ifndef BPF_NO_KFUNC_PROTOTYPES" grep -q \
	'^#ifndef BPF_NO_KFUNC_PROTOTYPES$' "$H"
run "$BUMBLE" bundle "$FIXTURES/kfunc_task.bpf.c" -o "$WORK/kfunc_task"
check "bundle a program that calls kfuncs it does not declare" test "$RC" = 0
run "$BUMBLE" build "$FIXTURES/kfunc_task.bpf.c" -D BPF_NO_KFUNC_PROTOTYPES \
	-o "$WORK/x.bpf.o"
check "-D BPF_NO_KFUNC_PROTOTYPES: the prototypes are left out" sh -c \
	"test $RC != 0 && grep -q \"bpf_task_from_pid\" '$WORK/err'"

needs ROOT # the checks below load the fixture into the kernel

if start_tool "$WORK/out.txt" "$WORK/kfunc_task" --duration 30; then
	python3 -c 'import signal, subprocess, time
p = subprocess.Popen(["sleep", "5"])
time.sleep(0.2)
p.send_signal(signal.SIGUSR1)
p.wait()'
	sleep 0.3
	stop_tool INT
	check "exit 0 on SIGINT" test "$RC" = 0
	check "the signal's target named by bpf_task_from_pid: sleep" grep -Eq \
		"^ +[0-9]+ +[0-9]+ +10 +sleep$" "$WORK/out.txt"
fi
