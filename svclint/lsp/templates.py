"""Pod templates kept from one inventory build to the next: the language server rebuilds its inventory after
every edit, and all but the edited file's objects are the very objects of the build before."""

from __future__ import annotations

from svclint.input.document import Resource
from svclint.inventory.index import PodTemplate, pod_template


class TemplateCopies:
    """Each workload's pod template made once, and handed out as a fresh copy: a build adds patched ports and
    autoscaled replicas to the templates it gets, which must not leak into the next build."""

    def __init__(self) -> None:
        # By object identity; the object is kept with its template so that its id is not reused meanwhile.
        self._made: dict[int, tuple[Resource, PodTemplate | None]] = {}
        self._used: dict[int, tuple[Resource, PodTemplate | None]] = {}

    def __call__(self, resource: Resource) -> PodTemplate | None:
        entry = self._made.get(id(resource))
        if entry is None or entry[0] is not resource:
            entry = (resource, pod_template(resource))
        self._used[id(resource)] = entry
        made = entry[1]
        if made is None:
            return None
        return PodTemplate(made.resource, made.template_path, made.labels, made.replicas, list(made.ports))

    def forget_unused(self) -> None:
        """Drop the templates of objects the last build did not ask for (their file changed or went away)."""
        self._made, self._used = self._used, {}
