# Registries for the registry tests (sourced after lib.sh): docker-registry
# on 127.0.0.1 with a free port, plain, with TLS from a test CA and
# htpasswd, or with Bearer tokens from tests/registry_servers.py. Each is
# started by the script and stopped when it exits.
REGISTRY_PIDS=
# bumble's store and caches, the script's own
export XDG_DATA_HOME=$WORK/data XDG_CACHE_HOME=$WORK/cache

prereq REGISTRY "docker-registry is not installed (toolchain/deps.sh installs it)" \
	command -v docker-registry
prereq HTPASSWD "htpasswd is not installed (apache2-utils; toolchain/deps.sh)" \
	command -v htpasswd
prereq X86_64 "the test images are linux/amd64" test "$(uname -m)" = x86_64
prereq OPENSSL "openssl is not installed (toolchain/deps.sh installs it)" \
	command -v openssl

registry_stop_all() {
	local pid
	for pid in $REGISTRY_PIDS; do
		kill -KILL "$pid" 2>/dev/null
	done
	REGISTRY_PIDS=
# bumble's store and caches, the script's own
export XDG_DATA_HOME=$WORK/data XDG_CACHE_HOME=$WORK/cache
}
trap 'registry_stop_all; cleanup' EXIT

# registry_start NAME PORT [YAML]: docker-registry serving $WORK/NAME on
# 127.0.0.1:PORT, with YAML added to its config (tls, auth); its PID in
# $REG_PID, its log in $WORK/NAME.log (requests logged). Waits until it
# answers.
registry_start() {
	local name=$1 port=$2 extra=${3:-} i
	mkdir -p "$WORK/$name"
	cat >"$WORK/$name.yml" <<YML
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/$name
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$extra
YML
	# (started from a subshell: not a job of the script, so killing it
	# mid-test prints nothing)
	(docker-registry serve "$WORK/$name.yml" >>"$WORK/$name.log" 2>&1 </dev/null &
		echo $! >"$WORK/$name.pid")
	REG_PID=$(cat "$WORK/$name.pid")
	REGISTRY_PIDS="$REGISTRY_PIDS $REG_PID"
	for i in $(seq 1 100); do
		curl -sk -o /dev/null "http://127.0.0.1:$port/v2/" && return 0
		curl -sk -o /dev/null "https://127.0.0.1:$port/v2/" && return 0
		kill -0 "$REG_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# docker-registry $name did not start:" >&2
	tail -5 "$WORK/$name.log" >&2
	return 1
}

# test_ca DIR: a CA and a certificate for 127.0.0.1 it signed, in DIR:
# ca.pem, cert.pem, key.pem.
test_ca() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bumble test CA" \
		-keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$d/key.pem" -out "$d/req.pem" 2>/dev/null &&
	printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$d/ext" &&
	openssl x509 -req -in "$d/req.pem" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -extfile "$d/ext" -out "$d/cert.pem" 2>/dev/null
}

# start_server PORT_FILE ARGS...: tests/registry_servers.py ARGS in the
# background; waits for its port, in $SERVER_PORT.
start_server() {
	local pf=$1 i
	shift
	rm -f "$pf"
	(python3 "$ROOT/tests/registry_servers.py" "$@" 2>>"$WORK/servers.log" </dev/null &
		echo $! >"$pf.pid")
	REGISTRY_PIDS="$REGISTRY_PIDS $(cat "$pf.pid")"
	for i in $(seq 1 100); do
		[ -s "$pf" ] && SERVER_PORT=$(cat "$pf") && return 0
		sleep 0.1
	done
	return 1
}
