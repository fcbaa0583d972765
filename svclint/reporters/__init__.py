"""Reporters turn a run's findings into text, SARIF or other formats. Each is one module with `render`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module

from svclint.reporters.base import Report
from svclint.reporters.outputs import FORMATS


def renderer(name: str) -> Callable[[Report], str]:
    module = import_module(f"svclint.reporters.{name}")
    render: Callable[[Report], str] = module.render
    return render


def part_renderer(name: str) -> Callable[[Report], Iterable[str]]:
    """The report in parts, to be written one after the other: a format that can (SARIF, which large runs
    write) is never whole in memory."""
    module = import_module(f"svclint.reporters.{name}")
    parts: Callable[[Report], Iterable[str]] | None = getattr(module, "render_parts", None)
    if parts is not None:
        return parts
    render: Callable[[Report], str] = module.render
    return lambda report: (render(report),)


__all__ = ["FORMATS", "Report", "part_renderer", "renderer"]
