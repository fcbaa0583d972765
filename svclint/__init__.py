"""svclint: find Kubernetes Service exposure problems before they reach a cluster."""

from __future__ import annotations

__version__ = "0.1.0"
