"""The registry of check functions rules can name. Importing this package registers all of them."""

from __future__ import annotations

from svclint.functions import crossref, firewall, pods, schema, structure, values
from svclint.functions.base import REGISTRY, CheckFunction

__all__ = ["REGISTRY", "CheckFunction", "crossref", "firewall", "pods", "schema", "structure", "values"]
