#!/usr/bin/env python3
"""Builds src/EtcdPS.Engine/Kubernetes/kubernetes-fields.json.gz from ../shared/k8s/proto-fields.json.

The engine embeds the result, so the repository builds and runs without ../shared. The output keeps what the
codec needs (fields, kinds, the well-known and array-wrapper message names) and drops prose. Run it again
when proto-fields.json changes:  python3 tools/k8s/make-field-table.py [path/to/proto-fields.json]
"""
import gzip
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, "..", ".."))
source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "k8s", "proto-fields.json")
target = os.path.join(root, "src", "EtcdPS.Engine", "Kubernetes", "kubernetes-fields.json.gz")

with open(source, encoding="utf-8") as f:
    table = json.load(f)

keep = ("n", "name", "label", "type", "ref", "key", "value", "json", "inline", "omitempty", "omitzero", "pointer")
messages = {}
for name, fields in table["messages"].items():
    messages[name] = [{k: fld[k] for k in keep if k in fld} for fld in fields]

out = {
    "source": table["source"],
    "kinds": table["kinds"],
    "wellKnown": sorted(table["wellKnown"]["messages"].keys()),
    "arrayWrappers": table["wellKnown"]["arrayWrappers"],
    "messages": messages,
}
data = json.dumps(out, separators=(",", ":"), sort_keys=False).encode("utf-8")
# mtime=0 keeps the file byte-identical between runs.
with open(target, "wb") as f:
    with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, compresslevel=9, filename="") as gz:
        gz.write(data)
print(f"{target}: {len(messages)} messages, {len(table['kinds'])} kinds, {os.path.getsize(target)} bytes")
