"""Patches are not whole objects: kustomize patch files, and Services that can only be fragments.

A strategic-merge patch names an object and the fields it changes; everything it does not mention comes from
the base. svclint checks the fields a patch writes, but not absent fields (they are not absent, only elsewhere),
not conditions on absent fields, and not what the object selects: the merged object is not in view.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from svclint.input.document import Resource

# The names kustomize looks for in a folder, in the order it tries them.
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def is_kustomization_file(path: str) -> bool:
    return os.path.basename(path) in KUSTOMIZATION_FILES


def patch_paths(kustomization: dict[str, Any]) -> Iterable[str]:
    for entry in _list(kustomization.get("patchesStrategicMerge")):
        if isinstance(entry, str) and "\n" not in entry:  # a path, not an inline patch
            yield entry
    for key in ("patches", "patchesJson6902"):
        for entry in _list(kustomization.get(key)):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                yield entry["path"]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


PATCH_FOLDERS = frozenset({"patches", "patch"})

# Strategic-merge-patch directives (k8s.io/apimachinery/pkg/util/strategicpatch): `$patch: replace|merge|delete`
# in a mapping or a list item, `$retainKeys: [...]`, and the prefixes of `$setElementOrder/<list>` and
# `$deleteFromPrimitiveList/<list>`. Only a patch holds them; kubectl and kustomize remove them when merging.
PATCH_DIRECTIVES = frozenset({"$patch", "$retainKeys"})
PATCH_DIRECTIVE_PREFIXES = ("$setElementOrder/", "$deleteFromPrimitiveList/")


def has_patch_directives(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_is_directive(key) or has_patch_directives(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_patch_directives(item) for item in value)
    return False


def remove_patch_directives(value: Any) -> None:
    """Drop every `$` key of a patch, in place: the merged object will not have them, so no rule should judge
    them (an unknown field, say). Other fields keep their paths, and so their spans."""
    if isinstance(value, dict):
        for key in [k for k in value if isinstance(k, str) and k.startswith("$")]:
            del value[key]
        for item in value.values():
            remove_patch_directives(item)
    elif isinstance(value, list):
        for item in value:
            remove_patch_directives(item)


def _is_directive(key: Any) -> bool:
    return isinstance(key, str) and (key in PATCH_DIRECTIVES or key.startswith(PATCH_DIRECTIVE_PREFIXES))


WORKLOADS_WITH_SELECTOR = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})


def looks_like_fragment(resource: Resource) -> bool:
    """An object that cannot be meant to stand alone.

    An apps/v1 workload without spec.selector (required there): a patch, such as a sidecar added by an overlay.
    A v1 Service without ports (not headless, not ExternalName) that has no spec at all (a metadata patch), or no
    selector either, or sits in a `patches/` folder.
    """
    if resource.kind in WORKLOADS_WITH_SELECTOR and resource.api_version == "apps/v1":
        return resource.get(("spec", "selector")) is None
    if resource.kind != "Service" or resource.api_version != "v1":
        return False
    spec = resource.data.get("spec")
    if spec is None:
        return True
    if not isinstance(spec, dict) or spec.get("ports"):
        return False
    if spec.get("clusterIP") == "None" or spec.get("type") == "ExternalName":
        return False
    in_patch_folder = any(part in PATCH_FOLDERS for part in Path(resource.path).parts[:-1])
    return not spec.get("selector") or in_patch_folder
