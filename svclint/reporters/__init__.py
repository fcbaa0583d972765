"""Reporters turn a run's findings into text, SARIF or other formats. Each is one module with `render`."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from svclint.reporters.base import Report
from svclint.reporters.outputs import FORMATS


def renderer(name: str) -> Callable[[Report], str]:
    module = import_module(f"svclint.reporters.{name}")
    render: Callable[[Report], str] = module.render
    return render


__all__ = ["FORMATS", "Report", "renderer"]
