"""The report as one self-contained HTML page: no network, no CDN, searchable and filterable, with a small
picture of each path, light and dark, printable.

Jinja2 escapes every value (autoescape); links to manifests are relative paths made safe as URLs; and the page's
Content-Security-Policy admits only its own inline style and script (by hash), so even a name that slipped past
escaping could not run code or load anything.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from itertools import groupby
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from msgspec import Struct

from svclint import __version__
from svclint.exposure.model import REACH_ORDER, VIAS, Entry, ExposureReport
from svclint.exposure.render_text import headline, summary

# Boxes of a path picture: width, height, gap between columns (SVG user units).
BOX_W, BOX_H, GAP = 190, 34, 34
MAX_PICTURED_WORKLOADS = 6


class Box(Struct, frozen=True):
    x: int
    y: int
    label: str
    column: int


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("svclint.exposure", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["href"] = href
    return environment


def href(path: str, line: int) -> str:
    """A relative link to a manifest line (`#L12`, as code browsers anchor lines). A path that could read as a
    URL scheme (`javascript:...`) is made relative with `./`; everything else is percent-encoded."""
    relative = path if path.startswith("/") else "./" + path.removeprefix("./")
    return quote(relative, safe="/._-~") + f"#L{line}"


def picture(entry: Entry) -> dict[str, Any]:
    """Columns of labelled boxes for the SVG: the entry (and its listener/route or Ingress rule), the Service
    port, the workloads."""
    first = [hop.text for hop in entry.hops if hop.kind in ("entry", "ingress", "listener", "route")][:2]
    service = [f"{entry.service}:{entry.port}/{entry.protocol}"] if entry.service else []
    pods = [w.describe() for w in entry.workloads[:MAX_PICTURED_WORKLOADS]]
    if len(entry.workloads) > MAX_PICTURED_WORKLOADS:
        pods.append(f"and {len(entry.workloads) - MAX_PICTURED_WORKLOADS} more")
    columns = [column for column in ([" / ".join(first)], service, pods or ["no workload in view"]) if column]
    rows = max(len(column) for column in columns)
    height = rows * (BOX_H + 8) + 8
    boxes: list[Box] = []
    for c, column in enumerate(columns):
        top = (height - len(column) * (BOX_H + 8) + 8) // 2
        for r, label in enumerate(column):
            boxes.append(Box(4 + c * (BOX_W + GAP), top + r * (BOX_H + 8), label, c))
    arrows = [
        (source.x + BOX_W, source.y + BOX_H // 2, box.x, box.y + BOX_H // 2)
        for box in boxes
        for source in boxes
        if source.column == box.column - 1
    ]
    width = len(columns) * (BOX_W + GAP) - GAP + 8
    return {"width": width, "height": height, "boxes": boxes, "arrows": arrows, "box_w": BOX_W, "box_h": BOX_H}


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(report: ExposureReport) -> str:
    environment = _environment()
    script = environment.get_template("report.js").render()
    style = environment.get_template("report.css").render()
    groups = report.grouped()
    if report.gone:
        groups.append(("gone", report.gone))
    sections = [
        (level, [(namespace, list(items)) for namespace, items in groupby(sorted(entries, key=_order), key=_namespace)])
        for level, entries in groups
    ]
    namespaces = sorted({e.namespace for e in [*report.entries, *report.gone]})
    return environment.get_template("report.html.j2").render(
        report=report,
        sections=sections,
        summary=summary(report),
        namespaces=namespaces,
        vias=VIAS,
        levels=[level for level in REACH_ORDER if any(e.reach.level == level for e in report.entries)],
        headline=headline,
        picture=picture,
        script=script,
        style=style,
        script_hash=_script_hash(script),
        style_hash=_script_hash(style),
        version=__version__,
    )


def _namespace(entry: Entry) -> str:
    return entry.namespace


def _order(entry: Entry) -> tuple[Any, ...]:
    return (entry.namespace, entry.service or "", entry.port or 0, entry.via, entry.address or "")
