#!/usr/bin/env bash
# Signatures in cosign's blob format: bundle --sign-key and bumble sign
# write TOOL.sig, which bumble verify and plain openssl both accept; a
# byte appended or flipped, another key, a damaged or missing signature
# are refused; keys of the wrong kind (public for signing, private for
# verifying, RSA, P-384, not PEM, encrypted without a passphrase, a
# wrong passphrase) each get a clear error and exit 6. No root needed.
. "$(dirname "$0")/../lib.sh"

prereq OPENSSL "openssl is not installed (toolchain/deps.sh installs it)" \
	command -v openssl
needs OPENSSL

cd "$WORK" || exit 1
step openssl ecparam -name prime256v1 -genkey -noout -out key.pem 2>/dev/null
step openssl ec -in key.pem -pubout -out pub.pem 2>/dev/null
step openssl ecparam -name prime256v1 -genkey -noout -out other.pem 2>/dev/null
step openssl ec -in other.pem -pubout -out other.pub.pem 2>/dev/null
step openssl genrsa -out rsa.pem 2048 2>/dev/null
step openssl ecparam -name secp384r1 -genkey -noout -out p384.pem 2>/dev/null
step openssl ec -in key.pem -aes256 -passout pass:sekrit -out enc.pem 2>/dev/null

# openssl's own check of FILE against SIG (cosign's recipe)
openssl_verify() {
	base64 -d "$2" >"$WORK/sig.der" &&
		openssl dgst -sha256 -verify "${3:-pub.pem}" -signature "$WORK/sig.der" "$1" >/dev/null
}
openssl_refuses() {
	! openssl_verify "$@" 2>/dev/null
}

run "$BUMBLE" bundle "$FIXTURES/layout.bpf.c" -o tool --sign-key key.pem
check "bundle --sign-key writes the tool and tool.sig" test "$RC" = 0 -a -s tool -a -s tool.sig
check "tool.sig is one line of base64, as cosign sign-blob writes" \
	sh -c "test \$(wc -l <tool.sig) = 0 && base64 -d tool.sig >/dev/null"
check "openssl verifies the bundle's signature" openssl_verify tool tool.sig
run "$BUMBLE" verify tool --key pub.pem
check "bumble verify accepts it (exit 0)" test "$RC" = 0
check "and says so" grep -q "tool: signature OK" out

run "$BUMBLE" sign tool --key key.pem -o again.sig
check "bumble sign writes a signature openssl accepts too" openssl_verify tool again.sig
run "$BUMBLE" sign tool --key enc.pem -o enc.sig
check "an encrypted key without a passphrase and no terminal: exit 6" test "$RC" = 6
check "saying how to give one" grep -q "set BUMBLE_KEY_PASSWORD" err
check "and writing nothing" test ! -e enc.sig
run env BUMBLE_KEY_PASSWORD=sekrit "$BUMBLE" sign tool --key enc.pem -o enc.sig
check "an encrypted key with BUMBLE_KEY_PASSWORD signs" openssl_verify tool enc.sig
expect_exit 6 "cannot decrypt the key 'enc.pem': wrong passphrase" "a wrong passphrase: exit 6" \
	env BUMBLE_KEY_PASSWORD=nope "$BUMBLE" sign tool --key enc.pem -o bad.sig
needs BASH_TTY
step sh -c "printf 'sekrit\n' | script -qec \"'$BUMBLE' sign tool --key enc.pem -o tty.sig\" /dev/null >tty.out 2>&1"
check "on a terminal the passphrase is asked for" grep -q "Passphrase for enc.pem" tty.out
check "and the key then signs" openssl_verify tool tty.sig
needs -

step cp tool appended && step sh -c 'echo x >>appended'
expect_exit 7 "does not hold for 'appended'" "a byte appended: bumble verify refuses (exit 7)" \
	"$BUMBLE" verify appended --key pub.pem --signature tool.sig
check "and so does openssl" openssl_refuses appended tool.sig
step cp tool flipped
step python3 -c "
import sys
p = 'flipped'
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 1
open(p, 'wb').write(b)"
expect_exit 7 "does not hold for 'flipped'" "a bit flipped: bumble verify refuses (exit 7)" \
	"$BUMBLE" verify flipped --key pub.pem --signature tool.sig
check "and so does openssl" openssl_refuses flipped tool.sig
expect_exit 7 "signed with another key" "another key's public half: refused (exit 7)" \
	"$BUMBLE" verify tool --key other.pub.pem
check "and by openssl" openssl_refuses tool tool.sig other.pub.pem

step sh -c 'echo "not a signature" >junk.sig'
expect_exit 7 "is not a signature" "a signature file that is not base64 DER: exit 7" \
	"$BUMBLE" verify tool --key pub.pem --signature junk.sig
expect_exit 7 "cannot read the signature 'nowhere.sig'" "a missing signature: exit 7" \
	"$BUMBLE" verify tool --key pub.pem --signature nowhere.sig
expect_exit 6 "'pub.pem' is a public key; signing needs the private key" \
	"sign with a public key: exit 6" "$BUMBLE" sign tool --key pub.pem
expect_exit 6 "'key.pem' is a private key; verify with its public key" \
	"verify with a private key: exit 6" "$BUMBLE" verify tool --key key.pem
expect_exit 6 "'rsa.pem' is not an EC key but RSA" "an RSA key: exit 6" \
	"$BUMBLE" sign tool --key rsa.pem
expect_exit 6 "curve secp384r1, not P-256" "a P-384 key: exit 6" \
	"$BUMBLE" sign tool --key p384.pem
expect_exit 6 "'tool' is not a PEM key" "a file that is no key: exit 6" \
	"$BUMBLE" sign tool --key tool
expect_exit 6 "cannot read the key 'none.pem'" "a missing key: exit 6" \
	"$BUMBLE" sign tool --key none.pem
step rm -f new new.sig
expect_exit 6 "is a public key" "bundle --sign-key with a public key: exit 6 before any work" \
	"$BUMBLE" bundle "$FIXTURES/layout.bpf.c" -o new --sign-key pub.pem
check "and writes no tool" test ! -e new -a ! -e new.sig
expect_exit 2 "give the key: --key" "sign without --key: usage (exit 2)" "$BUMBLE" sign tool
expect_exit 2 "give one file" "verify without a file: usage (exit 2)" "$BUMBLE" verify --key pub.pem
expect_exit 2 "takes no --sign-key option" "build refuses --sign-key" \
	"$BUMBLE" build "$FIXTURES/layout.bpf.c" -o x.o --sign-key key.pem
for c in sign verify; do
	run "$BUMBLE" "$c" --help
	check "$c --help: exit 0, with the openssl command" grep -q "openssl dgst -sha256 -verify" out
done

# Keys of registry commands are read before any network (a closed port).
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_exit 6 "'pub.pem' is a public key" "push --sign-key with a public key: exit 6" \
	"$BUMBLE" push tool "127.0.0.1:$PORT/x/y:1" --plain-http --sign-key pub.pem
expect_exit 6 "'key.pem' is a private key" "pull --verify-key with a private key: exit 6" \
	"$BUMBLE" pull "127.0.0.1:$PORT/x/y:1" --plain-http --verify-key key.pem -o pulled
check "and nothing is written" test ! -e pulled
expect_exit 6 "'rsa.pem' is not an EC key" "export --sign-key with an RSA key: exit 6" \
	"$BUMBLE" export tool --oci layout --sign-key rsa.pem
check "and no layout is written" test ! -e layout

# Hostile paths and bytes: a FIFO or a device as the key, the signature
# or the file is refused at once (no wait for a writer, no endless
# read); base64 that is no DER ECDSA signature, or far too long to be
# one, is "not a signature", not a signature that "does not hold".
step mkfifo fifo
expect_exit 6 "cannot read the key 'fifo': not a regular file" \
	"a FIFO as the key: exit 6 at once, no wait for a writer" \
	timeout 10 "$BUMBLE" sign tool --key fifo -o fifo-key.sig
expect_exit 6 "cannot read the key '/dev/zero': not a regular file" \
	"/dev/zero as the key: exit 6" "$BUMBLE" verify tool --key /dev/zero
expect_exit 7 "cannot read the signature 'fifo': not a regular file" \
	"a FIFO as the signature: exit 7 at once" \
	timeout 10 "$BUMBLE" verify tool --key pub.pem --signature fifo
expect_exit 3 "cannot read 'fifo': not a regular file" \
	"a FIFO as the file to sign: exit 3 at once" \
	timeout 10 "$BUMBLE" sign fifo --key key.pem -o fifo.sig
# a key, then 3 GB (sparse): refused by its size, never read into memory
step sh -c 'cp key.pem huge.pem && truncate -s 3G huge.pem'
expect_exit 6 "'huge.pem' is not a PEM key: 3221225472 bytes" \
	"a 3 GB key file: exit 6 at once" timeout 20 "$BUMBLE" sign tool --key huge.pem -o huge-key.sig
step rm -f huge.pem
step sh -c 'head -c 100 key.pem >cut.pem'
expect_exit 6 "cannot read the private key in 'cut.pem' .*damaged or cut short" \
	"a key cut short: exit 6, saying so" "$BUMBLE" sign tool --key cut.pem
step sh -c 'base64 -d tool.sig | head -c 20 | base64 -w0 >cut-der.b64'
step sh -c '(base64 -d tool.sig; printf x) | base64 -w0 >trailing-der.b64'
for bad in "====" "QQ=A" "A===" "AAAAAAAA" "cut DER:$(cat cut-der.b64)" \
	"DER and a byte:$(cat trailing-der.b64)"; do
	printf '%s' "${bad#*:}" >bad.sig
	expect_exit 7 "'bad.sig' is not a signature" \
		"'${bad%%:*}' as the signature: not a signature (exit 7)" \
		"$BUMBLE" verify tool --key pub.pem --signature bad.sig
done
step sh -c "head -c 10000000 /dev/zero | tr '\\0' A >huge.sig"
expect_exit 7 "'huge.sig' is not a signature" \
	"10 MB of base64 as the signature: not a signature (exit 7)" \
	"$BUMBLE" verify tool --key pub.pem --signature huge.sig
step sh -c '(cat tool.sig; printf "\n\n") >lines.sig'
expect_exit 0 "" "a signature with newlines after it still holds" \
	"$BUMBLE" verify tool --key pub.pem --signature lines.sig
expect_exit 2 "an empty output path" "sign -o '': usage (exit 2)" \
	"$BUMBLE" sign tool --key key.pem -o ''
step ln -s loop-b loop-a && step ln -s loop-a loop-b
expect_exit 2 "a symbolic link in a loop of links" "sign -o onto a loop of links: exit 2" \
	"$BUMBLE" sign tool --key key.pem -o loop-a

# Signed images written whole, under ASan: every manifest and its notes
# freed (a leak is ASan's exit 86).
step rm -rf signed-layout
expect_exit 0 "" "export --sign-key --oci: exit 0, nothing leaked" \
	"$BUMBLE" export tool --oci signed-layout --sign-key key.pem
check "... the signatures are in the layout" \
	sh -c "grep -c '\\.sig\"' signed-layout/index.json | grep -qv '^0$'"
