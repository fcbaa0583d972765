"""Kubernetes minor versions svclint can target (`--kube-version`), and how they are written and compared.

What each version serves and accepts is data: `rules/tables/kube-versions.yaml`, read by the rules that depend on
the version. This module only knows the range: from the oldest minor version supported upstream within the last
three years to the version of the vendored Service schema (svclint/schemas/kubernetes/service-v1.json).
"""

from __future__ import annotations

import re

KubeVersion = tuple[int, int]

OLDEST: KubeVersion = (1, 24)
NEWEST: KubeVersion = (1, 37)
_VERSION = re.compile(r"^v?(\d{1,3})\.(\d{1,3})$")


def version_text(version: KubeVersion) -> str:
    return f"{version[0]}.{version[1]}"


def parse_kube_version(text: str) -> KubeVersion:
    """`1.29` (or `v1.29`) -> (1, 29); a patch release, another shape, or a version out of range is a ValueError
    that says what is accepted."""
    match = _VERSION.match(text.strip())
    supported = f"{version_text(OLDEST)} through {version_text(NEWEST)}"
    if not match:
        raise ValueError(f"{text!r} is not a Kubernetes version like 1.29 (MAJOR.MINOR; supported: {supported})")
    version = (int(match.group(1)), int(match.group(2)))
    if not OLDEST <= version <= NEWEST:
        raise ValueError(f"Kubernetes {version_text(version)} is not supported: svclint knows {supported}")
    return version


def parse_version_entry(text: str) -> KubeVersion:
    """A version in svclint's own tables, which may lie outside the supported range (an API removed in 1.16)."""
    major, minor = text.split(".")
    return int(major), int(minor)
