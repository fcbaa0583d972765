"""The registry of check functions rules can name. Importing this package registers all of them."""

from __future__ import annotations

from svclint.engine.api import REGISTRY, CheckFunction
from svclint.functions import (
    cloud,
    crossref,
    endpoints,
    firewall,
    gateway,
    hostports,
    pods,
    policies,
    schema,
    statefulsets,
    structure,
    values,
    versions,
)

__all__ = [
    "REGISTRY",
    "CheckFunction",
    "cloud",
    "crossref",
    "endpoints",
    "firewall",
    "gateway",
    "hostports",
    "pods",
    "policies",
    "schema",
    "statefulsets",
    "structure",
    "values",
    "versions",
]
