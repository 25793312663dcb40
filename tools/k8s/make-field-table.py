#!/usr/bin/env python3
"""Builds src/EtcdPS.Engine/Kubernetes/kubernetes-fields.json.gz: the protobuf field table of every Kubernetes
built-in API version that was ever stored, from Kubernetes 1.17 (kubernetes/api v0.17.0) to today (HEAD).

It reads, from git checkouts (a clone or a bare mirror; nothing is checked out, every file comes from
`git cat-file` at a tag):
  kubernetes/api                      every <group>/<version>/generated.proto and the Go files next to it
  kubernetes/apimachinery             pkg/apis/meta/v1, pkg/api/resource, pkg/util/intstr, pkg/runtime(/schema)
  kubernetes/apiextensions-apiserver  pkg/apis/apiextensions/<version>
at each tag (v0.17.0 ... the newest v0.N.0, then HEAD). The proto files give messages and field numbers/types;
the Go struct tags give the JSON names and the inline/omitempty/omitzero flags, the Go types the pointer flag;
doc.go (+groupName) and register.go (AddKnownTypes) give the kinds.

The versions are unioned: the newest definition of each message wins; messages and kinds that were removed keep
their last definition (objects of removed API versions stay in etcd until a storage migration rewrites them);
fields removed from a message that still exists keep their last definition too, placed after the field that
preceded them (objects written before the removal still carry them, e.g. PodResourceClaim.source, field 2,
removed in v1.31).

Usage (regenerating for a new Kubernetes release: fetch the three repositories with their tags, run this, run the
Kubernetes tests, commit the .json.gz):
  python3 tools/k8s/make-field-table.py --api ../kubernetes/api --apimachinery ../kubernetes/apimachinery \
      --apiextensions ../kubernetes/apiextensions-apiserver [--compare ../shared/k8s/proto-fields.json]
--compare checks the HEAD-only table against another table of the same shape (proto-fields.json) and prints
every difference; it exits 1 when there is one.

Why Python: it is a developer tool run once per Kubernetes release, not shipped; the standard library (json,
gzip, subprocess to git) is all it needs, and it runs on any machine with git and Python 3.8+ without a build.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TARGET = os.path.join(ROOT, "src", "EtcdPS.Engine", "Kubernetes", "kubernetes-fields.json.gz")

APIMACHINERY_DIRS = ["pkg/apis/meta/v1", "pkg/api/resource", "pkg/util/intstr", "pkg/runtime", "pkg/runtime/schema"]
FIRST_TAG = (0, 17)

# Messages whose JSON is not a plain object (see ../shared/k8s/README.md, "Proto names and JSON names").
WELL_KNOWN = {
    "k8s.io.apimachinery.pkg.apis.meta.v1.Time", "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Timestamp", "k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
    "k8s.io.apimachinery.pkg.api.resource.Quantity", "k8s.io.apimachinery.pkg.api.resource.QuantityValue",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString", "k8s.io.apimachinery.pkg.runtime.RawExtension",
    "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1", "k8s.io.apimachinery.pkg.runtime.Unknown",
    "k8s.io.apimachinery.pkg.runtime.TypeMeta", "k8s.io.apimachinery.pkg.apis.meta.v1.Verbs",
    "k8s.io.apimachinery.pkg.apis.meta.v1.GroupVersion",
}
APIEXTENSIONS_WELL_KNOWN = ("JSON", "JSONSchemaPropsOrArray", "JSONSchemaPropsOrBool", "JSONSchemaPropsOrStringArray")
OBJECT_META = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"
META_STRUCTS = {}


def is_well_known(name):
    return name in WELL_KNOWN or (name.startswith("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.")
                                  and name.rsplit(".", 1)[1] in APIEXTENSIONS_WELL_KNOWN)


class Repo:
    """Reads files of one git repository at any commit through one `git cat-file --batch` process."""

    def __init__(self, path, name):
        self.path, self.name = path, name
        self._cat = subprocess.Popen(["git", "-C", path, "cat-file", "--batch"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)

    def git(self, *args):
        return subprocess.run(["git", "-C", self.path, *args], check=True, capture_output=True, text=True).stdout

    def tags(self):
        found = []
        for tag in self.git("tag", "--list", "v0.*.0").split():
            m = re.fullmatch(r"v0\.(\d+)\.0", tag)
            if m and (0, int(m.group(1))) >= FIRST_TAG:
                found.append((int(m.group(1)), tag))
        return [t for _, t in sorted(found)]

    def sha(self, rev):
        return self.git("rev-parse", rev + "^{commit}").strip()

    def files(self, rev):
        return self.git("ls-tree", "-r", "--name-only", rev).splitlines()

    def read(self, rev, path):
        self._cat.stdin.write(f"{rev}:{path}\n".encode())
        self._cat.stdin.flush()
        header = self._cat.stdout.readline().decode().split()
        if len(header) < 3 or header[1] != "blob":
            return None
        data = self._cat.stdout.read(int(header[2]) + 1)[:-1]
        return data.decode("utf-8")


PROTO_FIELD = re.compile(r"^\s*(optional|repeated|required)?\s*(map<\s*(\w+)\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)")
SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
           "sfixed32", "sfixed64", "double", "float"}


def parse_proto(text):
    """(package, {message: [field]}) of a go-to-protobuf generated.proto (proto2, no nesting, no enums)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    package = re.search(r"^package\s+([\w.]+)\s*;", text, re.M).group(1)
    messages, current = {}, None
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"message\s+(\w+)\s*\{", line)
        if m:
            current = package + "." + m.group(1)
            messages[current] = []
            if line.endswith("}"):
                current = None
            continue
        if line.startswith("}"):
            current = None
            continue
        if current is None:
            continue
        m = PROTO_FIELD.match(line)
        if not m:
            continue
        label, typ, key, value, name, number = m.groups()

        def resolve(t):
            if t in SCALARS:
                return None
            return t.lstrip(".") if "." in t else package + "." + t

        field = {"n": int(number), "name": name}
        if key:
            field.update(label="repeated", type="map", key=key)
            ref = resolve(value)
            field["value"] = "message" if ref else value
            if ref:
                field["ref"] = ref
        else:
            field["label"] = "repeated" if label == "repeated" else "optional"
            ref = resolve(typ)
            field["type"] = "message" if ref else typ
            if ref:
                field["ref"] = ref
        messages[current].append(field)
    return package, messages


GO_FIELD = re.compile(r"^\s*(?:(\w+)\s+)?([^\s`]+)\s+`([^`]*)`")


def parse_go(texts):
    """Go struct fields by struct name: {struct: {protobuf number: (go type, json tag)}}, and named []string types."""
    structs, string_slices = {}, set()
    for text in texts:
        current = None
        for line in text.splitlines():
            m = re.match(r"^type\s+(\w+)\s+struct\s*\{", line)
            if m:
                current = structs.setdefault(m.group(1), {})
                continue
            m = re.match(r"^type\s+(\w+)\s+\[\]string\s*$", line)
            if m:
                string_slices.add(m.group(1))
                continue
            if current is None:
                continue
            if line.startswith("}"):
                current = None
                continue
            m = GO_FIELD.match(line)
            if not m:
                continue
            embedded, gotype, tag = m.group(1) is None, m.group(2), m.group(3)
            pb = re.search(r'protobuf:"[^,"]*,(\d+),', tag)
            js = re.search(r'json:"([^"]*)"', tag)
            if pb:
                current[int(pb.group(1))] = (gotype, js.group(1) if js else None, embedded)
    return structs, string_slices


def apply_go(fields, go_fields):
    for f in fields:
        go = go_fields.get(f["n"]) if go_fields else None
        if not go:
            continue
        gotype, json_tag, embedded = go
        if json_tag is not None:
            parts = json_tag.split(",")
            if parts[0] == "" and embedded:
                # encoding/json inlines an embedded struct that has no JSON name (",inline" or "").
                f["inline"] = True
            elif parts[0] and parts[0] != "-" and parts[0] != f["name"]:
                f["json"] = parts[0]
            if "omitempty" in parts[1:] or "omitzero" in parts[1:]:
                f["omitempty"] = True
            if "omitzero" in parts[1:]:
                f["omitzero"] = True
        if gotype.startswith("*"):
            f["pointer"] = True
    return fields


def read_package(repo, rev, directory, all_files, no_kinds=False):
    proto = repo.read(rev, directory + "/generated.proto")
    if proto is None:
        return None
    package, messages = parse_proto(proto)
    go_names = [p for p in all_files if os.path.dirname(p) == directory and p.endswith(".go")
                and not p.endswith("_test.go") and not os.path.basename(p).startswith(("zz_generated", "generated."))
                and not p.endswith("swagger_doc_generated.go")]
    texts = {os.path.basename(p): repo.read(rev, p) for p in go_names}
    structs, string_slices = parse_go([t for t in texts.values() if t])
    for text in texts.values():
        # "type List metav1.List": the struct lives in apimachinery's meta/v1.
        for alias, target in re.findall(r"^type\s+(\w+)\s+metav1\.(\w+)\s*$", text or "", re.M):
            if target in META_STRUCTS:
                structs.setdefault(alias, META_STRUCTS[target])
    if directory == "pkg/apis/meta/v1":
        META_STRUCTS.clear()
        META_STRUCTS.update(structs)
    short = lambda full: full[len(package) + 1:]
    for name, fields in messages.items():
        # The well-known messages have their own JSON forms; their Go tags say nothing about them.
        if not is_well_known(name):
            apply_go(fields, structs.get(short(name)))
    wrappers = {name for name, fields in messages.items() if short(name) in string_slices
                and [f["name"] for f in fields] == ["items"]}

    kinds = {}
    doc = texts.get("doc.go") or ""
    m = re.search(r"^//\s*\+groupName=([\w.\-]*)\s*$", doc, re.M) \
        or re.search(r'^const\s+GroupName\s*=\s*"([\w.\-]*)"', texts.get("register.go") or "", re.M)
    group = m.group(1) if m and not no_kinds else None
    if group is not None:
        group = group or "core"
        version = os.path.basename(directory)
        registered = set(re.findall(r"&(\w+)\{\}", texts.get("register.go") or ""))
        for name in sorted(registered):
            full = package + "." + name
            fields = messages.get(full)
            if not fields or name.endswith("List"):
                continue
            first = next((f for f in fields if f["n"] == 1), None)
            if first and first["name"] == "metadata" and first.get("ref") == OBJECT_META:
                kinds[f"{group}/{version}/{name}"] = full
    return {"file": directory + "/generated.proto", "messages": messages, "kinds": kinds, "wrappers": wrappers}


def read_release(repos, revs):
    """One release: {messages, kinds, wrappers, files} from the three repositories at their revisions."""
    api, machinery, extensions = repos
    result = {"messages": {}, "kinds": {}, "wrappers": set(), "files": {}}

    def add(repo, rev, directory, files, no_kinds=False):
        pkg = read_package(repo, rev, directory, files, no_kinds)
        if pkg is None:
            return
        result["messages"].update(pkg["messages"])
        result["kinds"].update(pkg["kinds"])
        result["wrappers"] |= pkg["wrappers"]
        result["files"].setdefault(repo.name, []).append(pkg["file"])

    files = machinery.files(revs[1])
    for directory in APIMACHINERY_DIRS:
        # meta.k8s.io objects (PartialObjectMetadata, ...) are never stored: no kinds from apimachinery.
        add(machinery, revs[1], directory, files, no_kinds=True)
    files = api.files(revs[0])
    for path in sorted(p for p in files if re.fullmatch(r"[\w.\-]+/[\w]+/generated\.proto", p)):
        add(api, revs[0], os.path.dirname(path), files)
    files = extensions.files(revs[2])
    for path in sorted(p for p in files if re.fullmatch(r"pkg/apis/apiextensions/\w+/generated\.proto", p)):
        add(extensions, revs[2], os.path.dirname(path), files)
    return result


def union(releases):
    """Newest definition wins; removed messages, kinds and fields keep their last definition."""
    messages, kinds, wrappers, removed, retyped, removed_kinds = {}, {}, set(), {}, {}, {}
    first = True
    for tag, rel in releases:  # oldest first
        for name, fields in rel["messages"].items():
            older = messages.get(name)
            merged = [dict(f) for f in fields]
            if not first:
                # Fields added after the first tag: an older API server does not write them (see "since").
                born = {f["n"]: f.get("since") for f in older or []}
                for f in merged:
                    if f["n"] in born:
                        if born[f["n"]]:
                            f["since"] = born[f["n"]]
                    elif older is not None:
                        f["since"] = tag
            if older:
                numbers = {f["n"] for f in merged}
                for i, old in enumerate(older):
                    if old["n"] in numbers:
                        continue
                    # Place the removed field after the field that preceded it in the older definition.
                    before = next((o["n"] for o in reversed(older[:i]) if o["n"] in numbers or o["n"] in {m["n"] for m in merged}), None)
                    at = 0 if before is None else next(j for j, f in enumerate(merged) if f["n"] == before) + 1
                    kept = dict(old)
                    # Gone from the API at this tag: decoded and encoded only when present (see FieldTable).
                    kept.setdefault("removed", tag)
                    merged.insert(at, kept)
                    numbers.add(old["n"])
                    removed.setdefault(name + "." + old["name"], tag)
            messages[name] = merged
        first = False
        # A field whose message type was replaced (PersistentVolumeClaimSpec.resources: ResourceRequirements became
        # VolumeResourceRequirements in v1.29) still holds the old type's fields in objects written before: the
        # new type gets the old type's missing fields, as removed ones.
        for name, fields in rel["messages"].items():
            for f in fields:
                was = retyped.get((name, f["n"]))
                if was and was != f.get("ref") and f.get("ref") in messages and was in messages:
                    target, have = messages[f["ref"]], {x["n"] for x in messages[f["ref"]]}
                    for old in messages[was]:
                        if old["n"] not in have:
                            target.append(dict(old, removed=old.get("removed", tag)))
                            removed.setdefault(f["ref"] + "." + old["name"], tag)
                            print(f"{tag}: {name}.{f['name']} changed type {was} -> {f['ref']}; "
                                  f"keeping {old['name']} ({old['n']})", file=sys.stderr)
                retyped[(name, f["n"])] = f.get("ref")
        for kind in kinds:
            if kind not in rel["kinds"]:
                removed_kinds.setdefault(kind, tag)
        for kind in rel["kinds"]:
            removed_kinds.pop(kind, None)
        kinds.update(rel["kinds"])
        wrappers |= rel["wrappers"]
    return messages, kinds, wrappers, removed, removed_kinds


def well_known(messages):
    return sorted(n for n in messages if is_well_known(n))


def compare(head, reference_path):
    with open(reference_path, encoding="utf-8") as f:
        ref = json.load(f)
    problems = []
    package = lambda name: name.rsplit(".", 1)[0]
    covered = {package(n) for n in ref["messages"]}
    skipped = sorted({package(n) for n in head["messages"]} - covered)
    if skipped:
        print(f"not in the reference, not compared: {', '.join(skipped)}", file=sys.stderr)
    for name in sorted(set(ref["messages"]) | {n for n in head["messages"] if package(n) in covered}):
        a, b = head["messages"].get(name), ref["messages"].get(name)
        if a is None or b is None:
            problems.append(f"message {name}: only in {'reference' if a is None else 'generated'}")
        elif a != b:
            for fa, fb in zip(a, b):
                if fa != fb:
                    problems.append(f"message {name}: generated {fa} != reference {fb}")
                    break
            else:
                problems.append(f"message {name}: {len(a)} fields generated, {len(b)} in the reference")
    head_kinds = {k: v for k, v in head["kinds"].items() if package(v) in covered}
    if head_kinds != ref["kinds"]:
        for k in sorted(set(head_kinds) ^ set(ref["kinds"])):
            problems.append(f"kind {k}: only in {'generated' if k in head['kinds'] else 'reference'}")
    wk = [n for n in well_known(head["messages"]) if package(n) in covered]
    if wk != sorted(ref["wellKnown"]["messages"]):
        problems.append(f"wellKnown differ: {sorted(set(wk) ^ set(ref['wellKnown']['messages']))}")
    if sorted(head["wrappers"]) != sorted(ref["wellKnown"]["arrayWrappers"]):
        problems.append(f"arrayWrappers differ: {sorted(set(head['wrappers']) ^ set(ref['wellKnown']['arrayWrappers']))}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="git checkout (or mirror) of kubernetes/api, with tags")
    parser.add_argument("--apimachinery", required=True, help="git checkout of kubernetes/apimachinery, with tags")
    parser.add_argument("--apiextensions", required=True, help="git checkout of kubernetes/apiextensions-apiserver")
    parser.add_argument("--head", default="HEAD", help="the newest revision of all three (default HEAD)")
    parser.add_argument("--compare", help="a proto-fields.json to compare the HEAD table against")
    parser.add_argument("--out", default=TARGET)
    args = parser.parse_args()

    repos = (Repo(args.api, "kubernetes/api"), Repo(args.apimachinery, "kubernetes/apimachinery"),
             Repo(args.apiextensions, "kubernetes/apiextensions-apiserver"))
    tags = repos[0].tags()
    for repo in repos[1:]:
        missing = set(tags) - set(repo.tags())
        if missing:
            sys.exit(f"{repo.name} at {repo.path} lacks the tags {sorted(missing)}: fetch its tags first.")
    releases, sources = [], {}
    for tag in tags + [args.head]:
        revs = [tag] * 3
        rel = read_release(repos, revs)
        label = tag if tag != args.head else "HEAD"
        releases.append((label, rel))
        sources[label] = {r.name: r.sha(tag) for r in repos}
        print(f"{label}: {len(rel['messages'])} messages, {len(rel['kinds'])} kinds", file=sys.stderr)

    messages, kinds, wrappers, removed, removed_kinds = union(releases)
    status = 0
    if args.compare:
        problems = compare(releases[-1][1], args.compare)
        for p in problems:
            print("differs: " + p, file=sys.stderr)
        print(f"HEAD compared with {args.compare}: {len(problems)} difference(s)", file=sys.stderr)
        status = 1 if problems else 0

    out = {
        "source": sources,
        "kinds": dict(sorted(kinds.items())),
        "wellKnown": well_known(messages),
        "arrayWrappers": sorted(wrappers),
        "removedFields": dict(sorted(removed.items())),
        # The first tag without the kind: only older API servers wrote its objects.
        "removedKinds": dict(sorted(removed_kinds.items())),
        "messages": dict(sorted(messages.items())),
    }
    data = json.dumps(out, separators=(",", ":")).encode("utf-8")
    # mtime=0 keeps the file byte-identical between runs.
    with open(args.out, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, compresslevel=9, filename="") as gz:
            gz.write(data)
    print(f"{args.out}: {len(messages)} messages, {len(kinds)} kinds ({len(removed_kinds)} removed since), "
          f"{len(removed)} removed fields kept, "
          f"{os.path.getsize(args.out)} bytes", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
