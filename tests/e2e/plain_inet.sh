#!/usr/bin/env bash
# Addresses in libbpf-tools' layout: 16 bytes beside a family field shown
# as IPv4 or IPv6 by that family (the bytes after an IPv4 address are
# not part of it), with nothing in the program saying so.
. "$(dirname "$0")/../lib.sh"

run "$BUMBLE" bundle "$FIXTURES/plain_inet.bpf.c" -o "$WORK/inet"
check "bundle plain_inet with no flags" test "$RC" = 0
run "$BUMBLE" gen "$FIXTURES/plain_inet.bpf.c" -o "$WORK/runner.c"
check "the u8[16] and u32[4] addresses: inet_addr, by the family field" \
	sh -c "test \$(grep -c 'BUMBLE_FORMAT_INET' '$WORK/runner.c') = 2 &&
	       grep -q '.family_offset = 33,' '$WORK/runner.c'"

needs ROOT # the checks below load the fixture into the kernel

python3 -c '
import socket, sys
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    s = socket.socket(fam); s.bind((host, 0)); s.listen(8)
    print(s.getsockname()[1]); sys.stdout.flush()
    socket._keep = getattr(socket, "_keep", []) + [s]
import time; time.sleep(60)' >"$WORK/ports" &
server=$!
sleep 0.5
if start_tool "$WORK/out.json" "$WORK/inet" --json; then
	{ read -r p4; read -r p6; } <"$WORK/ports"
	python3 -c "
import socket
socket.create_connection(('127.0.0.1', $p4)).close()
socket.create_connection(('::1', $p6)).close()"
	sleep 0.3
	stop_tool INT
	check "IPv4: dotted, the 0xff bytes after it ignored" json_has \
		"$WORK/out.json" \
		"e['family'] == 2 and e['saddr'] == '127.0.0.1' and e['daddr'] == '127.0.0.1'"
	check "IPv6: as IPv6" json_has "$WORK/out.json" \
		"e['family'] == 10 and e['saddr'] == '::1' and e['daddr'] == '::1'"
else
	fail "plain_inet attaches" "$(cat "$WORK/err")"
fi
kill $server
wait $server 2>/dev/null
