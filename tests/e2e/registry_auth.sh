#!/usr/bin/env bash
# Registries that want credentials: TLS from a test CA with htpasswd
# Basic auth, and Bearer tokens from a token server. login checks and
# saves (0600), logout forgets, docker's and podman's files are read,
# an untrusted certificate is refused unless --ca-file or --insecure, the
# CAs come from SSL_CERT_FILE/SSL_CERT_DIR/CURL_CA_BUNDLE or the system's
# store (none: a clear error), and the password never shows in anything
# bumble prints.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/registry_env.sh"

export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/config XDG_RUNTIME_DIR=$WORK/run
unset DOCKER_CONFIG REGISTRY_AUTH_FILE SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
AUTH=$XDG_CONFIG_HOME/bumble/auth.json
SECRET="s3cr3t-Pa55-$$"
WRONG="wr0ng-Pa55-$$"
ALL_OUT=$WORK/all-output
: >"$ALL_OUT"
# every output of bumble goes here too, to look for the passwords in
keep() {
	cat "$WORK/out" "$WORK/err" >>"$ALL_OUT"
}

TOOL=$WORK/execsnoop
run "$BUMBLE" bundle "$EXAMPLES/execsnoop.bpf.c" -o "$TOOL" --version 1.0
check "bundle" test "$RC" = 0

needs REGISTRY,HTPASSWD,OPENSSL
step test_ca "$WORK/ca"
step sh -c "htpasswd -Bbn alice '$SECRET' >'$WORK/htpasswd'"
PORT=$(free_port)
R=127.0.0.1:$PORT
step registry_start tls "$PORT" "  tls:
    certificate: $WORK/ca/cert.pem
    key: $WORK/ca/key.pem
auth:
  htpasswd:
    realm: bumble-test
    path: $WORK/htpasswd"
CA="--ca-file $WORK/ca/ca.pem"

# TLS is verified: an unknown CA is refused, and the error names the ways out.
expect_exit 1 "not trusted.*--ca-file.*--insecure" "an untrusted certificate is refused, naming --ca-file and --insecure" \
	"$BUMBLE" push "$TOOL" "$R/tools/execsnoop:1.0"
keep
expect_exit 1 "needs a login: run 'bumble login $R'" "no credentials: a clear error" \
	"$BUMBLE" push "$TOOL" "$R/tools/execsnoop:1.0" $CA
keep

run sh -c "echo '$WRONG' | '$BUMBLE' login '$R' -u alice --password-stdin $CA"
keep
check "login with a wrong password fails" test "$RC" = 1
check "with a clear error" grep -q "refused the credentials of 'alice'" "$WORK/err"
check "and saves nothing" test ! -e "$AUTH"

run sh -c "echo '$SECRET' | '$BUMBLE' login '$R' -u alice --password-stdin $CA"
keep
check "login: exit 0" test "$RC" = 0
check "saves the credentials mode 0600" test "$(stat -c %a "$AUTH" 2>/dev/null)" = 600
check "in docker's format" json_doc "$AUTH" "'auth' in e['auths']['$R']"

run "$BUMBLE" push "$TOOL" "$R/tools/execsnoop:1.0" $CA
keep
check "push with the saved credentials and --ca-file" test "$RC" = 0
run "$BUMBLE" pull "$R/tools/execsnoop:1.0" $CA -o "$WORK/pulled"
keep
check "pull gives the tool byte-identical" cmp "$TOOL" "$WORK/pulled"
run "$BUMBLE" pull "$R/tools/execsnoop:1.0" --insecure -o "$WORK/insecure"
keep
check "--insecure skips the certificate check" cmp "$TOOL" "$WORK/insecure"

# Without --ca-file the CAs come from SSL_CERT_FILE, CURL_CA_BUNDLE or
# SSL_CERT_DIR when set, else from the system's store; a variable that
# names nothing, or no store at all, is said with the way out.
run env SSL_CERT_FILE="$WORK/ca/ca.pem" "$BUMBLE" pull "$R/tools/execsnoop:1.0" -o "$WORK/env-file"
keep
check "SSL_CERT_FILE names the CA: pull without --ca-file" cmp "$TOOL" "$WORK/env-file"
run env CURL_CA_BUNDLE="$WORK/ca/ca.pem" "$BUMBLE" pull "$R/tools/execsnoop:1.0" -o "$WORK/env-bundle"
keep
check "CURL_CA_BUNDLE names the CA: pull without --ca-file" cmp "$TOOL" "$WORK/env-bundle"
mkdir -p "$WORK/certdir"
step cp "$WORK/ca/ca.pem" "$WORK/certdir/"
step openssl rehash "$WORK/certdir"
run env SSL_CERT_DIR="$WORK/certdir" "$BUMBLE" pull "$R/tools/execsnoop:1.0" -o "$WORK/env-dir"
keep
check "SSL_CERT_DIR holds the CA (hashed): pull without --ca-file" cmp "$TOOL" "$WORK/env-dir"
expect_exit 1 "SSL_CERT_FILE=$WORK/none is not a file of CA certificates.*--ca-file" \
	"SSL_CERT_FILE naming no file: a clear error" \
	env SSL_CERT_FILE="$WORK/none" "$BUMBLE" pull "$R/tools/execsnoop:1.0" -o "$WORK/none-pulled"
keep
expect_exit 1 "SSL_CERT_DIR=$WORK/empty is not a directory of CA certificates" \
	"SSL_CERT_DIR naming an empty directory: a clear error" \
	env SSL_CERT_DIR="$WORK/empty" "$BUMBLE" pull "$R/tools/execsnoop:1.0" -o "$WORK/none-pulled"
keep
# no store at all: /etc/ssl and /etc/pki hidden in a mount namespace
hide_ca_store() {
	unshare -m sh -c 'for d in /etc/ssl /etc/pki; do
		[ ! -d "$d" ] || mount -t tmpfs none "$d" || exit 99; done; exec "$@"' sh "$@"
}
needs REGISTRY,HTPASSWD,OPENSSL,ROOT
expect_exit 1 "no CA certificates found.*install your distribution's ca-certificates package, or give --ca-file FILE" \
	"no CA store on the system: a clear error naming the fix" \
	hide_ca_store \
	"$BUMBLE" pull "$R/tools/execsnoop:1.0" -o "$WORK/none-pulled"
keep
check "and writes nothing" test ! -e "$WORK/none-pulled"
run hide_ca_store "$BUMBLE" pull "$R/tools/execsnoop:1.0" $CA -o "$WORK/ca-file-wins"
keep
check "--ca-file needs no system store" cmp "$TOOL" "$WORK/ca-file-wins"
needs REGISTRY,HTPASSWD,OPENSSL
needs REGISTRY,HTPASSWD,OPENSSL,SKOPEO
mkdir -p "$WORK/skopeo-certs"
step cp "$WORK/ca/ca.pem" "$WORK/skopeo-certs/ca.crt"
run skopeo inspect --cert-dir "$WORK/skopeo-certs" --creds "alice:$SECRET" "docker://$R/tools/execsnoop:1.0"
check "skopeo reads the image bumble pushed over TLS" test "$RC" = 0
needs REGISTRY,HTPASSWD,OPENSSL

# login on a terminal: the password is asked for and not echoed.
needs REGISTRY,HTPASSWD,OPENSSL,BASH_TTY
run sh -c "(sleep 1; echo '$SECRET'; sleep 1) | script -qec \"'$BUMBLE' login '$R' -u alice $CA\" /dev/null"
cp "$WORK/out" "$WORK/tty-out"
keep
check "login on a terminal: exit 0" test "$RC" = 0
check "asks for the password" grep -q "Password:" "$WORK/tty-out"
check "and does not echo it" sh -c "! grep -q '$SECRET' '$WORK/tty-out'"
needs REGISTRY,HTPASSWD,OPENSSL

run "$BUMBLE" logout "$R"
keep
check "logout: exit 0" test "$RC" = 0
check "forgets the entry" sh -c "! grep -q '$R' '$AUTH'"
expect_exit 1 "not logged in" "logout again: a clear error" "$BUMBLE" logout "$R"
expect_exit 1 "needs a login" "after logout push needs a login again" \
	"$BUMBLE" push "$TOOL" "$R/tools/execsnoop:1.0" $CA
keep

# docker's and podman's credentials are read as well.
cred=$(printf 'alice:%s' "$SECRET" | base64)
mkdir -p "$HOME/.docker"
printf '{"auths":{"https://%s":{"auth":"%s"}}}' "$R" "$cred" >"$HOME/.docker/config.json"
run "$BUMBLE" pull "$R/tools/execsnoop:1.0" $CA -o "$WORK/docker-cred"
keep
check "docker's config.json credentials" cmp "$TOOL" "$WORK/docker-cred"
rm -f "$HOME/.docker/config.json"
mkdir -p "$XDG_RUNTIME_DIR/containers"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$R" "$cred" >"$XDG_RUNTIME_DIR/containers/auth.json"
run "$BUMBLE" pull "$R/tools/execsnoop:1.0" $CA -o "$WORK/podman-cred"
keep
check "podman's auth.json credentials" cmp "$TOOL" "$WORK/podman-cred"
wrong=$(printf 'alice:%s' "$WRONG" | base64)
printf '{"auths":{"%s":{"auth":"%s"}}}' "$R" "$wrong" >"$XDG_RUNTIME_DIR/containers/auth.json"
expect_exit 1 "refused the credentials of 'alice'" "wrong stored credentials: a clear error" \
	"$BUMBLE" pull "$R/tools/execsnoop:1.0" $CA -o "$WORK/none"
keep
rm -f "$XDG_RUNTIME_DIR/containers/auth.json"
check "nothing written on an auth failure" test ! -e "$WORK/none"

# Bearer: docker-registry trusts tokens that the token server signs.
step openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bumble token issuer" \
	-keyout "$WORK/token.key" -out "$WORK/token.pem" 2>/dev/null
step start_server "$WORK/token.port" token "$WORK/token.port" "$WORK/token.key" \
	"$WORK/token.pem" bumble-issuer bumble-registry alice "$SECRET"
TPORT=${SERVER_PORT:-0}
BPORT=$(free_port)
B=127.0.0.1:$BPORT
step registry_start bearer "$BPORT" "auth:
  token:
    realm: http://127.0.0.1:$TPORT/token
    service: bumble-registry
    issuer: bumble-issuer
    rootcertbundle: $WORK/token.pem"
expect_exit 1 "token server refused anonymous access|needs a login" "Bearer without credentials: a clear error" \
	"$BUMBLE" push "$TOOL" "$B/tools/execsnoop:1.0" --plain-http
keep
run sh -c "echo '$WRONG' | '$BUMBLE' login '$B' -u alice --password-stdin --plain-http"
keep
check "Bearer login with a wrong password fails" test "$RC" = 1
check "with a clear error" grep -q "token server refused the credentials" "$WORK/err"
run sh -c "echo '$SECRET' | '$BUMBLE' login '$B' -u alice --password-stdin --plain-http"
keep
check "Bearer login: exit 0" test "$RC" = 0
tokens=$(grep -c 'GET /token' "$WORK/servers.log")
run "$BUMBLE" push "$TOOL" "$B/tools/execsnoop:1.0" --plain-http
keep
check "push with a Bearer token" test "$RC" = 0
check "one token for the whole push (pull and push asked at once)" test \
	"$(grep -c 'GET /token' "$WORK/servers.log")" = $((tokens + 1))
run "$BUMBLE" push "$TOOL" "$B/other/execsnoop:1.0" --plain-http --mount-from tools/execsnoop
keep
check "mount across repositories with one token for both scopes" test "$RC" = 0
tokens=$(grep -c 'GET /token' "$WORK/servers.log")
run "$BUMBLE" pull "$B/tools/execsnoop:1.0" --plain-http -o "$WORK/bearer-pulled"
keep
check "pull with a Bearer token: byte-identical" cmp "$TOOL" "$WORK/bearer-pulled"
check "a pull asks for one token, kept for its every request" test \
	"$(grep -c 'GET /token' "$WORK/servers.log")" = $((tokens + 1))

needs -
check "no password in anything bumble printed" sh -c \
	"! grep -qe '$SECRET' -e '$WRONG' '$ALL_OUT'"
