#!/usr/bin/env python3
"""Extract the core/v1 Service JSON Schema that svclint ships, from the kubernetes-validate package.

kubernetes-validate (Apache-2.0, https://github.com/willthames/kubernetes-validate) bundles JSON Schemas generated
from the official Kubernetes OpenAPI definitions. This script takes the strict (additionalProperties: false)
schema of the newest Kubernetes version it carries, keeps the Service and every definition it references, and
writes one self-contained file. It also compares the Service of every version it carries and writes, for each
field the oldest one lacks, the first version that has it (service-fields-by-version.json): the tests hold the
version table (rules/tables/kube-versions.yaml) to it. Only the keywords a decoder cares about are kept;
`format: int32` and `format: int64` become explicit bounds, because JSON Schema does not check formats by default.

    pip install kubernetes-validate && python tools/extract_k8s_schema.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

KEEP = {"type", "properties", "additionalProperties", "items", "$ref", "oneOf", "enum"}
BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
TARGET = Path(__file__).resolve().parent.parent / "svclint" / "schemas" / "kubernetes" / "service-v1.json"


def newest_strict_dir() -> Path:
    import kubernetes_validate

    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    versions = [p for p in base.iterdir() if p.name.endswith("-local-strict")]

    def key(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.name.split("-")[0]))

    return max(versions, key=key)


INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"


def clean(node: Any) -> Any:
    if isinstance(node, list):
        return [clean(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: clean(value) for key, value in node.items() if key in KEEP}
    if "$ref" in out:
        out["$ref"] = "#/$defs/" + out["$ref"].rsplit("/", 1)[-1]
    bounds = BOUNDS.get(node.get("format", ""))
    if bounds is not None:
        out["minimum"], out["maximum"] = bounds
    if isinstance(out.get("properties"), dict):
        out["properties"] = {name: clean(value) for name, value in node["properties"].items()}
    return out


def references(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.add(value.rsplit("/", 1)[-1])
            else:
                found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found


FIELDS_TARGET = TARGET.parent / "service-fields-by-version.json"


def strict_dirs() -> list[tuple[tuple[int, int], Path]]:
    """Every strict schema folder of kubernetes-validate, by Kubernetes (major, minor), oldest first."""
    import kubernetes_validate

    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    found = []
    for path in base.iterdir():
        match = re.fullmatch(r"v(\d+)\.(\d+)\.\d+-local-strict", path.name)
        if match:
            found.append(((int(match.group(1)), int(match.group(2))), path))
    return sorted(found)


def field_paths(source: Path) -> set[str]:
    """Every field path of the Service in one version's schema (`*` for each list item; metadata left out, as it
    is the same for every kind and version here)."""
    definitions = json.loads((source / "_definitions.json").read_text())["$defs"]
    found: set[str] = set()

    def walk(node: dict[str, Any], prefix: tuple[str, ...], seen: frozenset[str]) -> None:
        for key, prop in node.get("properties", {}).items():
            path = (*prefix, key)
            found.add(".".join(path))
            ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
            name = ref.rsplit("/", 1)[-1] if ref else ""
            if name and name not in seen and not name.endswith("ObjectMeta"):
                walk(definitions[name], (*path, "*") if "items" in prop else path, seen | {name})

    walk(json.loads((source / "service-v1.json").read_text()), (), frozenset())
    return found


def fields_by_version() -> dict[str, Any]:
    """The first version whose schema has each Service field that the oldest schema does not have."""
    versions = strict_dirs()
    oldest = field_paths(versions[0][1])
    first_seen: dict[str, str] = {}
    for (major, minor), source in versions[1:]:
        for path in sorted(field_paths(source) - oldest):
            first_seen.setdefault(path, f"{major}.{minor}")
    low, high = versions[0][0], versions[-1][0]
    return {
        "x-source": (
            f"kubernetes-validate strict schemas v{low[0]}.{low[1]} through v{high[0]}.{high[1]} (generated from "
            "the Kubernetes OpenAPI definitions): each Service field missing from the oldest, with the first "
            "version that has it"
        ),
        "oldest": f"{low[0]}.{low[1]}",
        "newest": f"{high[0]}.{high[1]}",
        "fields": first_seen,
    }


def main() -> int:
    source = newest_strict_dir()
    definitions = json.loads((source / "_definitions.json").read_text())["$defs"]
    service = json.loads((source / "service-v1.json").read_text())
    root = clean(service)
    wanted: dict[str, Any] = {}
    pending = references(root)
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        # IntOrString is `oneOf: [string|null, integer|null]`, which a null matches twice (and so fails);
        # kubectl reads null as the zero value, so the union of the types says the same thing correctly.
        wanted[name] = {"type": ["string", "integer", "null"]} if name == INT_OR_STRING else clean(definitions[name])
        pending |= references(wanted[name]) - set(wanted)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://svclint.dev/schemas/kubernetes/service-v1.json",
        "x-source": f"kubernetes-validate {source.name} (generated from the Kubernetes OpenAPI definitions)",
        **root,
        "$defs": dict(sorted(wanted.items())),
    }
    TARGET.write_text(json.dumps(schema, indent=1, sort_keys=False) + "\n")
    print(f"wrote {TARGET} from {source} ({len(wanted)} definitions)")
    by_version = fields_by_version()
    FIELDS_TARGET.write_text(json.dumps(by_version, indent=1) + "\n")
    print(f"wrote {FIELDS_TARGET}: {len(by_version['fields'])} fields added since {by_version['oldest']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
