#!/usr/bin/env python3
"""Builds out/k8s-roundtrip-testdata.tar.gz (not committed: it is kubernetes/api's data): the API server's own serialization
round-trip fixtures (testdata/<release>/<group>.<version>.<Kind>.pb and .json in kubernetes/api), for every
release from v1.17.0 to HEAD, read from a git checkout at its tags (each tag holds the testdata of the two or three
releases before it; HEAD holds the newest and the in-development HEAD folder).

Only data is committed, no code: each distinct file once, named by its git blob id, plus manifest.json that maps
"<release>/<file name>" to the blob. Run it again after make-field-table.py for a new release:
  python3 tools/k8s/make-roundtrip-fixtures.py --api ../kubernetes/api --apiextensions ../kubernetes/apiextensions-apiserver
"""
import argparse
import gzip
import io
import json
import os
import re
import subprocess
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "..", "..", "out", "k8s-roundtrip-testdata.tar.gz")
FIRST_RELEASE = 17


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True, help="git checkout (or mirror) of kubernetes/api, with tags")
    parser.add_argument("--apiextensions", help="git checkout of kubernetes/apiextensions-apiserver: adds its HEAD "
                        "testdata (CustomResourceDefinition v1 and v1beta1) as the release folder HEAD-apiextensions")
    parser.add_argument("--out", default=TARGET)
    args = parser.parse_args()
    git = lambda *a: subprocess.run(["git", "-C", args.api, *a], capture_output=True, check=True).stdout
    tags = sorted((t for t in git("tag", "--list", "v0.*.0").decode().split() if re.fullmatch(r"v0\.\d+\.0", t)
                   and int(t.split(".")[1]) >= FIRST_RELEASE), key=lambda t: int(t.split(".")[1])) + ["HEAD"]
    manifest, extension_blobs = {}, {}
    for tag in tags:
        for line in git("ls-tree", "-r", tag, "testdata").decode().splitlines():
            meta, path = line.split("\t")
            parts = path.split("/")
            if len(parts) != 3 or not parts[2].endswith((".pb", ".json")):
                continue
            release, name = parts[1], parts[2]
            # X.after_roundtrip.pb is what a later API server (of no recorded version) wrote back: not a fixture
            # whose writer's version is known.
            if ".after_roundtrip." in name:
                continue
            # The HEAD folder of a tag is that release still in development; only the newest HEAD is kept.
            if release == "HEAD" and tag != "HEAD":
                continue
            m = re.fullmatch(r"v1\.(\d+)\.0", release)
            if m and int(m.group(1)) < FIRST_RELEASE:
                continue
            manifest.setdefault(f"{release}/{name}", meta.split()[2])
    if args.apiextensions:
        ext = lambda *a: subprocess.run(["git", "-C", args.apiextensions, *a], capture_output=True, check=True).stdout
        for line in ext("ls-tree", "HEAD", "pkg/apis/testdata/HEAD/").decode().splitlines():
            meta, path = line.split("\t")
            if path.endswith((".pb", ".json")):
                blob = meta.split()[2]
                manifest[f"HEAD-apiextensions/{os.path.basename(path)}"] = blob
                extension_blobs[blob] = ext("cat-file", "blob", blob)
    # Versions of one kind side by side compress best.
    order = {}
    for key, blob in sorted(manifest.items(), key=lambda kv: (kv[0].split("/")[1], kv[0])):
        order.setdefault(blob, len(order))
    blobs = sorted(order, key=order.get)
    head = git("rev-parse", "HEAD").decode().strip()
    source = {"kubernetes/api": head}
    if args.apiextensions:
        source["kubernetes/apiextensions-apiserver"] = subprocess.run(
            ["git", "-C", args.apiextensions, "rev-parse", "HEAD"], capture_output=True, check=True, text=True).stdout.strip()
    # mtime=0 in the gzip header and in every entry keeps the file byte-identical between runs.
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9, filename="") as gz, \
            tarfile.open(fileobj=gz, mode="w") as tar:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
        add("manifest.json", json.dumps({"source": source, "files": dict(sorted(manifest.items()))},
                                        indent=0).encode())
        for blob in blobs:
            add(blob, extension_blobs[blob] if blob in extension_blobs else git("cat-file", "blob", blob))
    print(f"{args.out}: {len(manifest)} files ({len(blobs)} distinct), {os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
