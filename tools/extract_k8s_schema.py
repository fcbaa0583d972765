#!/usr/bin/env python3
"""Extract the core/v1 Service JSON Schema that svclint ships, from the kubernetes-validate package.

kubernetes-validate (Apache-2.0, https://github.com/willthames/kubernetes-validate) bundles JSON Schemas generated
from the official Kubernetes OpenAPI definitions. This script takes the strict (additionalProperties: false)
schema of the newest Kubernetes version it carries, keeps the Service and every definition it references, and
writes one self-contained file. Only the keywords a decoder cares about are kept; `format: int32` and
`format: int64` become explicit bounds, because JSON Schema does not check formats by default.

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
