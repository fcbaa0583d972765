"""Wheels of installed distributions, for tests that install packages without a network.

pre-commit installs its hooks with pip. To test the real hook offline, the test points pip at a folder of
wheels (PIP_NO_INDEX, PIP_FIND_LINKS) built here from the distributions this environment already has: each
installed distribution's files are packed back into a wheel with a fresh RECORD.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement


def closure(names: list[str]) -> list[metadata.Distribution]:
    """The installed distributions `names` need, transitively (markers evaluated, no extras)."""
    seen: dict[str, metadata.Distribution] = {}
    pending = list(names)
    while pending:
        name = _normalize(pending.pop())
        if name in seen:
            continue
        dist = metadata.distribution(name)
        seen[name] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return list(seen.values())


def runtime_requirements(name: str) -> list[str]:
    """The names of what an installed distribution requires (markers evaluated, no extras)."""
    names = []
    for text in metadata.distribution(name).requires or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


def repack(dist: metadata.Distribution, target: Path) -> Path:
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    version = dist.version
    wheel_text = dist.read_text("WHEEL") or ""
    tag = next(
        (line.split(":", 1)[1].strip() for line in wheel_text.splitlines() if line.startswith("Tag:")), "py3-none-any"
    )
    path = target / f"{name}-{version}-{tag}.whl"
    base = Path(str(dist.locate_file("")))
    records: list[tuple[str, str, str]] = []
    dist_info = None
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in dist.files or []:
            arcname = file.as_posix()
            if arcname.startswith("..") or "__pycache__" in arcname:
                continue
            if arcname.endswith(".dist-info/RECORD"):
                dist_info = arcname.rsplit("/", 1)[0]
                continue
            source = base / file
            if not source.is_file():
                continue
            data = source.read_bytes()
            archive.writestr(arcname, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            records.append((arcname, f"sha256={digest}", str(len(data))))
        if dist_info is None:
            raise RuntimeError(f"{dist.metadata['Name']} has no RECORD: cannot repack it")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows([*records, (f"{dist_info}/RECORD", "", "")])
        archive.writestr(f"{dist_info}/RECORD", buffer.getvalue())
    return path


def build(target: Path, names: list[str]) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for dist in closure(names):
        repack(dist, target)
    return target


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
