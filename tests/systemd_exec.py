#!/usr/bin/env python3
"""The ExecStart= command line of a systemd unit, split and unescaped as
systemd reads it (systemd.service "Command lines", systemd.syntax: double
or single quotes, C escapes, %% for %, $$ for $), printed as a JSON list.
The fleet tests run it for real, where systemd is not PID 1 to start it.
Usage: systemd_exec.py UNIT"""
import json
import re
import sys

ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
           "t": "\t", "v": "\v", "\\": "\\", '"': '"', "'": "'", "s": " "}


def split(line):
    words, i, n = [], 0, len(line)
    while i < n:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            break
        word, quote = "", None
        while i < n and (quote or line[i] not in " \t"):
            c = line[i]
            if quote is None and c in "\"'":
                quote = c
            elif c == quote:
                quote = None
            elif c == "\\":
                e = line[i + 1]
                if e == "x":
                    word += chr(int(line[i + 2:i + 4], 16))
                    i += 2
                elif e in ESCAPES:
                    word += ESCAPES[e]
                else:
                    sys.exit("unknown escape \\" + e)
                i += 1
            elif c == "%":
                if line[i + 1] != "%":
                    sys.exit("specifier %" + line[i + 1])
                word += "%"
                i += 1
            elif c == "$":
                if line[i + 1] != "$":
                    sys.exit("variable at " + line[i:])
                word += "$"
                i += 1
            else:
                word += c
            i += 1
        if quote:
            sys.exit("unterminated quote")
        words.append(word)
    return words


for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"ExecStart=(.*)$", line.rstrip("\n"))
    if m:
        print(json.dumps(split(m.group(1))))
        break
else:
    sys.exit("no ExecStart=")
