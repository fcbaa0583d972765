"""The kustomize stage of a run: which objects are checked in which build, and which alone.

Every kustomization of the run that no other kustomization of the run includes is built. The files its builds
take objects from (resources, patches) are checked only inside those builds; every other file is checked as
it was written, all together, as before.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from msgspec import Struct, field

from svclint.core.model import Span
from svclint.core.project import repository_root
from svclint.input.document import Resource
from svclint.input.partial import is_kustomization_file
from svclint.kustomize.build import BUILD_ERROR, Build, Builder, BuildProblem
from svclint.kustomize.tree import Kustomization, read_kustomization


class KustomizeView(Struct):
    builds: list[Build] = field(default_factory=list)
    plain: list[Resource] = field(default_factory=list)  # objects of files no build takes
    problems: list[BuildProblem] = field(default_factory=list)


def build_view(kept: Iterable[Resource], files: dict[str, str], allow_outside: bool = False) -> KustomizeView | None:
    """The builds of the run's kustomizations; `files` are the run's files (absolute path -> the path findings
    show). None when the run holds no kustomization."""
    kept = list(kept)
    paths = sorted(display for display in files.values() if is_kustomization_file(display))
    if not paths:
        return None
    view = KustomizeView()
    kustomizations: dict[str, Kustomization] = {}
    for display in paths:
        found = read_kustomization(display)
        if isinstance(found, str):
            view.problems.append(BuildProblem(BUILD_ERROR, display, Span.point(1, 1), f"cannot be read: {found}"))
        else:
            kustomizations.setdefault(found.folder, found)
    objects: dict[str, list[Resource]] = defaultdict(list)
    for resource in kept:
        objects[os.path.abspath(resource.path)].append(resource)
    builder = Builder(kustomizations, objects, files, "/" if allow_outside else _root(files))
    for kustomization in _tops(kustomizations):
        build = builder.build(kustomization)
        if build is not None:
            view.builds.append(build)
    # Kustomizations that include one another in a ring are each included, so none is a top; building one shows
    # the cycle (kustomize fails on each of them), and the files they take are theirs.
    for folder, kustomization in sorted(kustomizations.items()):
        if not builder.reached(folder) and not kustomization.component:
            builder.build(kustomization)
    view.problems.extend(builder.problems.values())
    view.plain = [resource for resource in kept if os.path.abspath(resource.path) not in builder.used]
    return view


def _tops(kustomizations: dict[str, Kustomization]) -> list[Kustomization]:
    """The kustomizations no other one includes (components are only ever included)."""
    included: set[str] = set()
    for kustomization in kustomizations.values():
        for entry in kustomization.entries("resources", "bases", "components"):
            if not entry.remote:
                included.add(kustomization.resolve(entry))
    return [k for folder, k in sorted(kustomizations.items()) if folder not in included and not k.component]


def _root(files: dict[str, str]) -> str:
    """What kustomizations may reach: the repository that holds the run's files, or else their common folder."""
    folders = [os.path.dirname(path) for path in files]
    common = os.path.commonpath(folders) if folders else os.getcwd()
    found = repository_root(Path(common))
    return str(found if found is not None else common)
