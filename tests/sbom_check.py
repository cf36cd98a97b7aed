#!/usr/bin/env python3
"""Validates a CycloneDX JSON SBOM against the official schema, offline.

usage: sbom_check.py SCHEMA_DIR SBOM.json

SCHEMA_DIR is res/schema/ of npm's @cyclonedx/cyclonedx-library; the
schema of the SBOM's specVersion is used, and the spdx and jsf schemas it
refers to are resolved from the same folder (no network).
"""
import json
import os
import sys
import warnings

import jsonschema

warnings.simplefilter("ignore", DeprecationWarning)


def load(folder, stem):
    for name in (stem + ".schema.json", stem + ".SNAPSHOT.schema.json"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)
    sys.exit(f"sbom_check: no {stem} schema in {folder}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    folder, path = sys.argv[1:]
    with open(path) as f:
        bom = json.load(f)
    schema = load(folder, "bom-" + bom.get("specVersion", "?"))
    store = {}
    for stem in ("spdx", "jsf-0.82"):
        sub = load(folder, stem)
        store[stem + ".schema.json"] = sub
        if "$id" in sub:
            store[sub["$id"]] = sub
    base = schema.get("$id", "")
    for name in list(store):
        if "/" not in name and base:
            store[base.rsplit("/", 1)[0] + "/" + name] = store[name]
    resolver = jsonschema.RefResolver(base, schema, store=store)
    cls = jsonschema.validators.validator_for(schema)
    errors = sorted(cls(schema, resolver=resolver).iter_errors(bom), key=str)
    for e in errors:
        print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}",
              file=sys.stderr)
    if errors:
        sys.exit(1)
    print(f"{path}: valid CycloneDX {bom['specVersion']}")


main()
