"""The check functions rules can name, one module per family. Importing a module registers its functions;
`all_functions()` imports every module. A run usually imports only the modules its rules evaluate (the bundle
declares each function's module, see svclint/engine/catalog.py)."""

from __future__ import annotations

from svclint.engine.api import REGISTRY, CheckFunctions


def all_functions() -> CheckFunctions:
    """Every check function by name, each module imported: for the docs, `svclint rules check` and runs
    without a bundle that declares them."""
    from svclint.functions import (  # noqa: F401 - imported for their registrations
        cloud,
        crossref,
        deprecated,
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

    return REGISTRY
