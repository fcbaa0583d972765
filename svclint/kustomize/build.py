"""Builds: the objects of each kustomization of a run, as `kustomize build` would emit them.

A build gathers its `resources` (files, and the builds of other kustomizations), applies its `components`, then
its own transformers in kustomize's order: strategic merge patches, `patches`, namespace, name prefix and
suffix, labels, annotations, JSON 6902 patches, replicas. Untrusted input is bounded: nesting depth, objects
per build and objects over all builds; a kustomization reached again while it is being built is a cycle.
"""

from __future__ import annotations

import os

from msgspec import Struct, field

from svclint.core.model import FieldPath, Span
from svclint.core.project import is_inside
from svclint.input.document import Document, Resource
from svclint.input.partial import KUSTOMIZATION_FILES
from svclint.kustomize.objects import BuiltObject
from svclint.kustomize.patching import apply_patch, json_patches, patches_of
from svclint.kustomize.transforms import add_annotations, add_labels, rename, set_namespace, set_replicas
from svclint.kustomize.tree import Entry, Kustomization, read_documents

NOT_FOLLOWED = "kustomize-not-followed"
BUILD_ERROR = "kustomize-build-error"

MAX_DEPTH = 16  # kustomizations within kustomizations
MAX_OBJECTS_PER_BUILD = 20_000
MAX_OBJECTS = 200_000  # copies made over all builds of a run


class BuildProblem(Struct, frozen=True):
    code: str  # NOT_FOLLOWED or BUILD_ERROR
    path: str
    span: Span
    message: str


class Build(Struct):
    kustomization: Kustomization
    objects: list[BuiltObject]
    complete: bool  # every part of it was in view and built


class _Part(Struct):
    objects: list[BuiltObject] = field(default_factory=list)
    complete: bool = True


class TooBig(Exception):
    """A build past the limits: it is left out, and said so."""


class Builder:
    """Builds the kustomizations of a run from its files: `kustomizations` by folder, the objects of each file by
    absolute path, and the files of the run (absolute path -> the path findings show)."""

    def __init__(
        self,
        kustomizations: dict[str, Kustomization],
        objects: dict[str, list[Resource]],
        files: dict[str, str],
        root: str,
    ) -> None:
        self.kustomizations = kustomizations
        self.objects = objects
        self.files = files
        self.root = os.path.realpath(root)
        self.problems: dict[tuple[str, FieldPath], BuildProblem] = {}
        self.used: set[str] = set()  # files whose objects a build took (resources and patches)
        self.copies = 0
        self._done: dict[str, _Part] = {}
        self._patch_files: dict[str, list[Document] | None] = {}

    def build(self, kustomization: Kustomization) -> Build | None:
        try:
            part = self._part(kustomization, ())
        except TooBig as err:
            self._problem(NOT_FOLLOWED, kustomization, ("kind",), str(err))
            return None
        return Build(kustomization, [built.copy() for built in part.objects], part.complete)

    def reached(self, folder: str) -> bool:
        return folder in self._done

    def _part(self, kustomization: Kustomization, stack: tuple[str, ...]) -> _Part:
        done = self._done.get(kustomization.folder)
        if done is not None:
            return done
        part = _Part()
        stack = (*stack, kustomization.folder)
        for entry in kustomization.entries("resources", "bases"):
            self._take(kustomization, entry, stack, part)
        for entry in kustomization.entries("components"):
            component = self._kustomization_at(kustomization, entry, stack, part)
            if component is not None:
                self._apply(component, part, stack, component_of=True)
        self._transform(kustomization, part)
        self._done[kustomization.folder] = part
        return part

    def _apply(self, component: Kustomization, part: _Part, stack: tuple[str, ...], component_of: bool) -> None:
        """A component adds its resources to the build that names it, then transforms all of that build's
        objects (kustomize applies components in the order listed, after the resources)."""
        stack = (*stack, component.folder)
        for entry in component.entries("resources"):
            self._take(component, entry, stack, part)
        for entry in component.entries("components"):
            nested = self._kustomization_at(component, entry, stack, part)
            if nested is not None:
                self._apply(nested, part, stack, component_of)
        self._transform(component, part)

    def _take(self, kustomization: Kustomization, entry: Entry, stack: tuple[str, ...], part: _Part) -> None:
        target = self._local(kustomization, entry, part)
        if target is None:
            return
        if target in self.kustomizations:
            sub = self._kustomization_at(kustomization, entry, stack, part)
            if sub is not None:
                if sub.component:
                    self._problem(
                        BUILD_ERROR,
                        kustomization,
                        entry.path,
                        f"{entry.text} is a Component: list it under `components`",
                    )
                    return
                built = self._part(sub, stack)
                self._add(part, [b.copy() for b in built.objects])
                part.complete &= built.complete
            return
        if target in self.files and not os.path.isdir(target):
            if not is_inside(os.path.realpath(target), os.path.realpath(kustomization.folder)):
                self._problem(
                    BUILD_ERROR,
                    kustomization,
                    entry.path,
                    f"{entry.text} is outside the folder of the "
                    "kustomization, which kustomize refuses to read (its load restrictor)",
                )
                return
            self.used.add(target)
            self._add(part, [BuiltObject.of(resource) for resource in self.objects.get(target, ())])
            return
        part.complete = False
        self._missing(kustomization, entry, target)

    def _local(self, kustomization: Kustomization, entry: Entry, part: _Part) -> str | None:
        """The absolute path an entry names, when it is local and inside the repository."""
        if entry.remote:
            part.complete = False
            self._problem(
                NOT_FOLLOWED,
                kustomization,
                entry.path,
                f"{entry.text} is remote: svclint does not fetch it, so the objects it holds are not in view",
            )
            return None
        target = kustomization.resolve(entry)
        if not is_inside(os.path.realpath(target), self.root):
            part.complete = False
            self._problem(
                NOT_FOLLOWED,
                kustomization,
                entry.path,
                f"{entry.text} is outside the repository ({self.root}): not followed",
            )
            return None
        return target

    def _kustomization_at(
        self, kustomization: Kustomization, entry: Entry, stack: tuple[str, ...], part: _Part
    ) -> Kustomization | None:
        target = self._local(kustomization, entry, part)
        if target is None:
            return None
        found = self.kustomizations.get(target)
        if found is None:
            part.complete = False
            self._missing(kustomization, entry, target)
            return None
        if target in stack:
            part.complete = False
            self._problem(
                BUILD_ERROR,
                kustomization,
                entry.path,
                f"{entry.text} leads back to a kustomization that includes it (a cycle): kustomize cannot build it",
            )
            return None
        if len(stack) >= MAX_DEPTH:
            part.complete = False
            self._problem(
                NOT_FOLLOWED,
                kustomization,
                entry.path,
                f"{entry.text} is nested more than {MAX_DEPTH} kustomizations deep: not followed",
            )
            return None
        return found

    def _missing(self, kustomization: Kustomization, entry: Entry, target: str) -> None:
        if os.path.isdir(target):
            if any(os.path.lexists(os.path.join(target, name)) for name in KUSTOMIZATION_FILES):
                self._problem(
                    NOT_FOLLOWED,
                    kustomization,
                    entry.path,
                    f"{entry.text} is not among the files "
                    "linted: name it, or pass it with --context, to check the build",
                )
            else:
                self._problem(
                    BUILD_ERROR,
                    kustomization,
                    entry.path,
                    f"{entry.text} is a folder without a kustomization: kustomize cannot build it",
                )
        elif os.path.lexists(target):
            self._problem(
                NOT_FOLLOWED,
                kustomization,
                entry.path,
                f"{entry.text} is not among the files linted (excluded, or not YAML): its objects are not in view",
            )
        else:
            self._problem(
                BUILD_ERROR,
                kustomization,
                entry.path,
                f"{entry.text} does not exist: kustomize cannot build this kustomization",
            )

    def _add(self, part: _Part, objects: list[BuiltObject]) -> None:
        self.copies += len(objects)
        if len(part.objects) + len(objects) > MAX_OBJECTS_PER_BUILD or self.copies > MAX_OBJECTS:
            raise TooBig(
                f"the build holds more than {MAX_OBJECTS_PER_BUILD} objects, or the builds of the run more "
                f"than {MAX_OBJECTS}: it is not checked as a build"
            )
        part.objects.extend(objects)

    def _transform(self, kustomization: Kustomization, part: _Part) -> None:
        def read(kustomization: Kustomization, entry: FieldPath, text: str) -> list[Document] | None:
            return self._read_patch(kustomization, entry, text, part)

        for patch in patches_of(kustomization, read):
            part.objects = apply_patch(part.objects, patch)
        set_namespace(part.objects, kustomization)
        rename(part.objects, kustomization)
        add_labels(part.objects, kustomization)
        add_annotations(part.objects, kustomization)
        for patch in json_patches(kustomization, read):
            part.objects = apply_patch(part.objects, patch)
        set_replicas(part.objects, kustomization)

    def _read_patch(
        self, kustomization: Kustomization, entry: FieldPath, text: str, part: _Part
    ) -> list[Document] | None:
        item = Entry(str(entry[0]), int(entry[1]), text)
        target = self._local(kustomization, item, part)
        if target is None:
            return None
        display = self.files.get(target)
        if display is None or os.path.isdir(target):
            part.complete = False
            self._missing(kustomization, item, target)
            return None
        if not is_inside(os.path.realpath(target), os.path.realpath(kustomization.folder)):
            self._problem(
                BUILD_ERROR,
                kustomization,
                entry,
                f"{text} is outside the folder of the kustomization, "
                "which kustomize refuses to read (its load restrictor)",
            )
            return None
        self.used.add(target)
        if target not in self._patch_files:
            documents = read_documents(display)
            if isinstance(documents, str):
                self._problem(BUILD_ERROR, kustomization, entry, f"the patch {text} cannot be read: {documents}")
            self._patch_files[target] = None if isinstance(documents, str) else documents
        return self._patch_files[target]

    def _problem(self, code: str, kustomization: Kustomization, path: FieldPath, message: str) -> None:
        key = (kustomization.display, path)
        if key not in self.problems:
            self.problems[key] = BuildProblem(code, kustomization.display, kustomization.span(path), message)
