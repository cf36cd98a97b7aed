#!/usr/bin/env python3
"""What the SBOM and the license texts add to a tool (make bench).

usage: release_size.py TOOL RELEASE_DOCS_OBJECT

Prints "payload code sbom licenses": the bytes the two files take in the
tool's embedded layer (each a 512-byte tar header and its gzip'd data
padded to 512), the allocated bytes of stub/release_docs.o (the code
that prints them), and the two files' gzip'd sizes.
"""
import struct
import subprocess
import sys

FILES = ("sbom.cdx.json.gz", "licenses.txt.gz")


def layer_of(tool):
    data = open(tool, "rb").read()
    sizes = struct.unpack("<3Q", data[-32:-8])
    start = len(data) - 40 - sum(sizes)
    return data[start + sizes[0] + sizes[1]:start + sum(sizes)]


def entries(tar):
    pos = 0
    while pos + 512 <= len(tar) and tar[pos] != 0:
        name = tar[pos:pos + 100].split(b"\0")[0].decode()
        size = int(tar[pos + 124:pos + 136].split(b"\0")[0].strip() or b"0", 8)
        yield name, size, 512 + (size + 511) // 512 * 512
        pos += 512 + (size + 511) // 512 * 512


def code_bytes(obj):
    out = subprocess.run(["size", "-A", obj], capture_output=True, text=True,
                         check=True).stdout
    total = 0
    for line in out.splitlines()[2:]:
        f = line.split()
        if len(f) == 3 and f[0].startswith((".text", ".rodata", ".data", ".bss")):
            total += int(f[1])
    return total


def main():
    tool, obj = sys.argv[1:3]
    found = {n: (s, t) for n, s, t in entries(layer_of(tool)) if n in FILES}
    if len(found) != len(FILES):
        sys.exit(f"release_size: {tool} lacks {', '.join(set(FILES) - set(found))}")
    payload = sum(t for _, t in found.values())
    print(payload, code_bytes(obj), found[FILES[0]][0], found[FILES[1]][0])


main()
