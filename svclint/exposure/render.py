"""The report in each format."""

from __future__ import annotations

from importlib import import_module

from svclint.exposure.model import ExposureReport


def render(report: ExposureReport, output_format: str) -> str:
    module = import_module(f"svclint.exposure.render_{output_format}")
    text: str = module.render(report)
    return text
