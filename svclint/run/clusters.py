"""Which objects are checked together: one cluster's view each.

Each kustomize build is one cluster's view, and the files no kustomization takes are another, as they always
were. The configuration's `clusters` puts builds and folders that land in one cluster into one view (their node
ports collide, their Ingresses reach their Services), and keeps folders that do not apart.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from svclint.core.model import Finding
from svclint.core.project import is_inside
from svclint.engine.evaluate import ActiveRule, Engine
from svclint.filters.relocate import points_into
from svclint.input.document import Resource
from svclint.inventory.index import Inventory, build_inventory, definitions

if TYPE_CHECKING:
    from svclint.kustomize.build import Build
    from svclint.kustomize.stage import KustomizeView


class View(Struct):
    """Objects checked together, and the build each built object comes from."""

    resources: list[Resource] = field(default_factory=list)
    builds: dict[int, Build] = field(default_factory=dict)  # id(resource) -> its build
    partial: bool = False  # some part of the view is out of it


def cluster_views(
    kept: list[Resource], built: KustomizeView | None, clusters: Mapping[str, Sequence[str]], partial: bool
) -> list[View]:
    """The views of a run; `clusters` are the configuration's: cluster name -> folders (absolute)."""
    named: dict[str, View] = {}
    views: list[View] = []
    plain = View(partial=partial)

    def view_of(path: str) -> View | None:
        name = _cluster_of(path, clusters)
        return None if name is None else named.setdefault(name, View(partial=partial))

    for resource in built.plain if built is not None else kept:
        (view_of(resource.path) or plain).resources.append(resource)
    for build in built.builds if built is not None else ():
        view = view_of(build.kustomization.folder)
        if view is None:
            view = View(partial=partial)
            views.append(view)
        view.partial |= not build.complete
        for item in build.objects:
            resource = item.resource()
            view.resources.append(resource)
            view.builds[id(resource)] = build
    return [plain, *named.values(), *views]


def _cluster_of(path: str, clusters: Mapping[str, Sequence[str]]) -> str | None:
    absolute = os.path.abspath(path)
    for name, folders in clusters.items():
        if any(is_inside(absolute, folder) for folder in folders):
            return name
    return None


class ViewChecks(Struct):
    """The cross-resource rules of a run, and what it reports: findings about objects of the files linted, or
    (with --context) pointing into them."""

    rules: Sequence[ActiveRule]
    params: Mapping[str, object]
    in_run: frozenset[str]
    context: bool
    prepare: Callable[[Inventory], None]  # the firewall model, when firewall checks are on
    kustomizations: Sequence[tuple[str, dict[str, Any]]] = ()
    index: Callable[..., Inventory] = build_inventory

    def check(self, views: Iterable[View]) -> list[Finding]:
        findings: list[Finding] = []
        from_builds: list[Finding] = []
        views = list(views)
        # The variants of each object across views: an overlay for older clusters is known as such by its sibling
        # build for newer ones.
        variants = definitions(resource for view in views for resource in view.resources)
        for view in views:
            inventory = self.index(
                view.resources, partial_view=view.partial, kustomizations=self.kustomizations, variants=variants
            )
            self.prepare(inventory)
            engine = Engine(self.rules, inventory, self.params)
            for resource in view.resources:
                build = view.builds.get(id(resource))
                if build is not None:
                    from svclint.kustomize.attribution import in_build  # only views with builds need it

                    found = [f for f in engine.check(resource) if points_into(f, self.in_run)]
                    from_builds.extend(in_build(found, build))
                elif resource.reported:
                    findings.extend(engine.check(resource))
                elif self.context:
                    findings.extend(f for f in engine.check(resource) if points_into(f, self.in_run))
        if not from_builds:
            return findings
        from svclint.kustomize.attribution import merged

        return [*findings, *merged(from_builds)]
