#!/usr/bin/env bash
# The registry commands without a registry (run under ASan/UBSan by
# tests/run.sh): usage errors, the store's commands on an empty store,
# logout with nothing saved, unreachable registries, and fake registries
# (tests/registry_servers.py) that answer 503 or a manifest without end.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/registry_env.sh"
export XDG_CONFIG_HOME=$WORK/config HOME=$WORK/home
mkdir -p "$HOME"

for c in push pull login logout run images tag rmi; do
	run "$BUMBLE" "$c" --help
	check "$c --help: exit 0, usage on stdout" grep -q "^Usage: bumble $c" "$WORK/out"
done
run "$BUMBLE" --help
check "bumble --help lists the registry commands" sh -c \
	"for c in push pull login logout run images tag rmi; do grep -q \"^  \$c \" '$WORK/out' || exit 1; done"

expect_exit 2 "give a tool or layout" "push: no reference" "$BUMBLE" push x
expect_exit 2 "unknown option '--nope'; see 'bumble push --help'" "push: unknown option" \
	"$BUMBLE" push --nope x 127.0.0.1:1/x:1
expect_exit 2 "--ca-file needs a value" "pull: --ca-file without a file" "$BUMBLE" pull 127.0.0.1:1/x:1 --ca-file
expect_exit 2 "not an image reference" "pull: an upper-case repository" "$BUMBLE" pull 127.0.0.1:1/Bad:1
expect_exit 2 "not an image reference" "pull: a bad digest" "$BUMBLE" pull 127.0.0.1:1/x@sha256:12
expect_exit 2 "give one image" "pull: two images" "$BUMBLE" pull 127.0.0.1:1/x:1 127.0.0.1:1/y:1
expect_exit 2 "give one registry" "login: no registry" "$BUMBLE" login
expect_exit 2 "no password on stdin" "login: an empty stdin" \
	"$BUMBLE" login 127.0.0.1:1 -u a --password-stdin
expect_exit 2 "give one registry" "logout: no registry" "$BUMBLE" logout
expect_exit 1 "not logged in to 127.0.0.1:1" "logout with nothing saved" "$BUMBLE" logout 127.0.0.1:1
expect_exit 2 "give an image or a program" "run: nothing to run" "$BUMBLE" run
expect_exit 2 "go before the image" "run: the tool's args without --" "$BUMBLE" run x/y:1 --json
expect_exit 2 "takes no arguments" "images: an argument" "$BUMBLE" images x
expect_exit 2 "bumble tag SRC DST" "tag: one name" "$BUMBLE" tag x/y:1
expect_exit 2 "give an image to remove" "rmi: nothing" "$BUMBLE" rmi

run "$BUMBLE" images
check "images of an empty store: the header alone" test "$RC" = 0 -a "$(wc -l <"$WORK/out")" = 1
expect_exit 1 "no image docker.io/x/y:1 in the store" "tag of a missing image" "$BUMBLE" tag x/y:1 x/z:1
expect_exit 1 "no image docker.io/x/y:1 in the store" "rmi of a missing image" "$BUMBLE" rmi x/y:1

PORT=$(free_port)
expect_exit 1 "cannot reach 127.0.0.1:$PORT" "pull from a closed port" \
	"$BUMBLE" pull "127.0.0.1:$PORT/x/y:1" --plain-http -o "$WORK/none"
# pull -o is checked like every output, before any network: a FIFO or a
# directory would otherwise be renamed over (and /dev/null, as root)
mkfifo "$WORK/pull-fifo" && mkdir -p "$WORK/pull-dir"
for out in pull-fifo:FIFO pull-dir:directory; do
	expect_exit 2 "will not write '$WORK/${out%%:*}': it is a ${out#*:}" \
		"pull -o a ${out#*:}: refused before any network, exit 2" \
		"$BUMBLE" pull "127.0.0.1:$PORT/x/y:1" --plain-http -o "$WORK/${out%%:*}"
done
check "... the FIFO is still one" test -p "$WORK/pull-fifo"
run sh -c "echo hunter2-secret | '$BUMBLE' login 127.0.0.1:$PORT -u a --password-stdin --plain-http"
check "login to a closed port fails, saves nothing" test "$RC" = 1 -a ! -e "$XDG_CONFIG_HOME/bumble/auth.json"
check "and does not show the password" sh -c "! grep -q hunter2 '$WORK/err' '$WORK/out'"
step mkdir -p "$WORK/tool"
expect_exit 3 "not a bumble tool" "push of a file that is no tool" \
	"$BUMBLE" push /bin/true "127.0.0.1:$PORT/x/y:1" --plain-http
step sh -c "echo '{' >'$WORK/tool/index.json'"
expect_exit 3 "not an OCI image layout" "push of a directory that is no layout" \
	"$BUMBLE" push "$WORK/tool" "127.0.0.1:$PORT/x/y:1" --plain-http

step start_server "$WORK/busy.port" unavailable "$WORK/busy.port" "$WORK/busy.count"
expect_exit 1 "HTTP 503" "a registry answering 503: a clear error" \
	"$BUMBLE" pull "127.0.0.1:$SERVER_PORT/busy/x:1" --plain-http -o "$WORK/none"
check "after 4 attempts" test "$(wc -l <"$WORK/busy.count")" = 4
step start_server "$WORK/huge.port" huge-manifest "$WORK/huge.port" chunked
expect_exit 1 "larger than the 4194304 bytes allowed" "a manifest without end is refused" \
	"$BUMBLE" pull "127.0.0.1:$SERVER_PORT/huge/x:1" --plain-http -o "$WORK/none"
check "nothing written" test ! -e "$WORK/none"
