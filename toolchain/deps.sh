#!/usr/bin/env bash
# Installs the Debian packages bumble needs to build, bundle and test;
# does nothing when they are all there.
set -euo pipefail

PACKAGES=(
	build-essential # gcc and make for the bumble CLI
	clang           # compiles BPF C programs
	libclang-rt-14-dev # libFuzzer for the fuzz harnesses (make fuzz)
	llvm
	musl-tools      # musl-gcc: links the static tools
	bpftool         # inspecting BTF
	libelf-dev      # the host libbpf (ASan/UBSan bumble, fuzzing) needs libelf and zlib
	zlib1g-dev
	libcurl4-openssl-dev # the ASan/UBSan bumble's registry client (push, pull, login)
	libjansson-dev  # its JSON of registry answers and credentials
	perl            # OpenSSL's Configure (the static bumble's libssl and libcrypto)
	linux-libc-dev  # UAPI headers copied into the musl sysroot
	dpkg-dev        # apt-get source unpacks with dpkg-source
	xz-utils
	bzip2
	ca-certificates
	file            # tests: is the tool static?
	python3         # tests: JSON checks
	python3-jsonschema # tests: the SBOM against CycloneDX's schema
	libssl-dev      # libcrypto: the ASan/UBSan bumble's sign/verify and --sign-key
	util-linux      # tests: setpriv
	strace          # tests: which bpf(2) calls a tool makes
	bsdutils        # tests: script(1), a pseudo-terminal for bash
	iproute2        # tests: network namespaces and veth pairs
	clang-format
	prometheus      # tests: promtool checks the --metrics text
	skopeo          # tests: OCI images read and copied by an independent tool
	umoci           # tests: unpacking (diff_ids checked)
	oci-image-tool  # tests: OCI image layout validation
	podman          # tests: running the exported image
	catatonit       # tests: the pause process of podman kube play's pods
	docker-registry # tests: a real registry for push and pull
	apache2-utils   # tests: htpasswd for the registry's basic auth
	openssl         # tests: a test CA and the token server's signatures
	runc
	qemu-system-x86 # tests: the kernel matrix boots Debian kernels under qemu
	busybox-static  # tests: the userland of the kernel-matrix guests
	cpio            # tests: packing their initramfs
	zstd            # tests: unpacking zstd-compressed kernels to take their BTF
	# aarch64 tools (bumble bundle --arch aarch64; dpkg arch arm64, added below)
	gcc-aarch64-linux-gnu # the cross compiler, and binutils
	musl-dev:arm64  # musl for aarch64, with aarch64-linux-musl-gcc
	linux-libc-dev:arm64 # arm64's asm/ UAPI headers
	qemu-user-static # tests: aarch64 tools run by qemu-aarch64-static
	qemu-system-arm # tests: the kernel matrix boots Debian's arm64 kernels
	nodejs          # tests: the Kubernetes schema check (npm packages below)
)

# npm packages the tests use, installed into build/npm, never into the
# source tree: kubernetes-models validates what export --k8s writes
# against the Kubernetes schema; yaml reads it.
NPM_PREFIX=$(cd "$(dirname "$0")/.." && pwd)/build/npm
NPM_PACKAGES=(kubernetes-models@5.1.0 yaml@2.9.1)
npm_deps() {
	[ -f "$NPM_PREFIX/node_modules/kubernetes-models/package.json" ] &&
		[ -f "$NPM_PREFIX/node_modules/yaml/package.json" ] && return 0
	# Debian's nodejs comes without npm; some builds of it carry npm
	command -v npm >/dev/null ||
		DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -q --no-install-recommends npm ||
		true
	mkdir -p "$NPM_PREFIX"
	echo "deps.sh: npm installing ${NPM_PACKAGES[*]} into $NPM_PREFIX"
	npm install --no-audit --no-fund --prefix "$NPM_PREFIX" "${NPM_PACKAGES[@]}" ||
		echo "deps.sh: warning: npm install failed; the Kubernetes schema checks will skip" >&2
}

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
# npm packages: CycloneDX's official JSON schemas (res/schema/), for the
# SBOM tests; in npm's global folder (npm root -g)
GLOBAL_NPM_PACKAGES=(@cyclonedx/cyclonedx-library@10.3.0)

# Installs the npm packages that are not there (npm comes with nodejs).
npm_install() {
	local p root
	command -v npm >/dev/null || {
		echo "deps.sh: warning: npm not found; tests that need ${GLOBAL_NPM_PACKAGES[*]} skip" >&2
		return 0
	}
	root=$(npm root -g)
	for p in "${GLOBAL_NPM_PACKAGES[@]}"; do
		[ -f "$root/${p%@*}/package.json" ] && continue
		echo "deps.sh: npm install -g $p"
		${SUDO:-} npm install -g --no-audit --no-fund --ignore-scripts "$p" >/dev/null
	done
}

if [ ${#missing[@]} -eq 0 ]; then
	npm_deps
	npm_install
	exit 0
fi

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps.sh: error: need root to install: ${missing[*]}" >&2
		exit 1
	}
	SUDO=sudo
fi
# the :arm64 packages need dpkg to know that architecture
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "deps.sh: dpkg --add-architecture arm64"
	$SUDO dpkg --add-architecture arm64
fi
echo "deps.sh: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
npm_deps
npm_install
