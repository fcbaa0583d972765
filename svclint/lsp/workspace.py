"""The language server's view of a workspace: every manifest read once and kept, open editors' text over the
files on disk, and the findings of an open file, with the other manifests as cross-file context.

A change re-reads only the changed file (the rules that need nothing but the file run then); the cross-resource
rules run again on the open files against an inventory of every manifest of the workspace, as `svclint lint`
of the whole folder would. Text equal to what was last read is not read again (an editor opening a file the
scan read, a save), and the inventory is rebuilt only after some file's content changed, reusing the pod
templates of the files that did not change. Rules and settings are the ones `svclint lint` would use in the
workspace folder: its configuration file, found the same way.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from msgspec import Struct, field
from msgspec.structs import replace

from svclint.core.model import Finding
from svclint.core.stats import SuppressionStats
from svclint.engine.evaluate import ActiveRule, Engine, activate
from svclint.engine.params import Params
from svclint.engine.ruleset import Rule
from svclint.filters.suppress import apply_suppressions, collect_directives
from svclint.input.document import Resource
from svclint.input.excludes import Excludes
from svclint.input.parsing.loader import LoadOptions
from svclint.input.sources import Source, collect
from svclint.inventory.index import Inventory, build_inventory, feeds_workloads
from svclint.lsp.sameness import same_for_inventory
from svclint.lsp.templates import TemplateCopies
from svclint.run.filework import FileJob, FileResult, process
from svclint.run.options import CommandLine, resolve
from svclint.run.parallel import run_files
from svclint.run.reuse import FileReuse
from svclint.run.rules import load_all_rules, select_rules, skip_kinds
from svclint.run.settings import LintSettings


class Rules(Struct):
    """The rules of the workspace as a run uses them, split as the pipeline splits them."""

    all: list[Rule]
    active: list[ActiveRule]
    local: list[ActiveRule]
    cross: list[ActiveRule]
    params: dict[str, object]
    by_id: dict[str, ActiveRule] = field(default_factory=dict)


def workspace_settings(root: Path) -> LintSettings:
    """What `svclint lint ROOT` run in ROOT would use (its configuration file, its rule directories)."""
    return resolve(CommandLine(paths=(str(root),)), root).settings


def prepare_rules(settings: LintSettings) -> Rules:
    rules = load_all_rules(settings)
    selected = select_rules(rules, settings)
    params = Params(*settings.node_port_range, kube_version=settings.kube_version).variables()
    ids = {key: rule.id for rule in rules for key in (rule.id, rule.name)}
    active = activate(selected, {ids[key]: sev for key, sev in settings.severities.items()}, params)
    # The firewall checks read exported firewall rules, which belong to a run on the command line.
    checking = [a for a in active if a.rule.function is not None and not a.rule.function.needs_firewall]
    return Rules(
        all=rules,
        active=active,
        local=[a for a in checking if not a.rule.needs_inventory],
        cross=[a for a in checking if a.rule.needs_inventory],
        params=params,
        by_id={a.rule.id: a for a in active},
    )


class Workspace:
    """The manifests of one folder and the editors' text of the open ones."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.settings = workspace_settings(root)
        self.rules = prepare_rules(self.settings)
        options = LoadOptions(skip_kinds=skip_kinds(r.rule for r in self.rules.active))
        by_name = {a.rule.name: a for a in self.rules.active}
        self._job = FileJob(self.rules.local, by_name, options, params=self.rules.params, whole_kinds=None)
        self._files: dict[str, FileResult] = {}
        self._sources: dict[str, Source] = {}
        self._open: dict[str, bytes] = {}
        self._read_bytes: dict[str, bytes] = {}  # what each file's result was made from
        # Each open file's last reading, for the next after an edit. Only open files: a reading kept for reuse
        # holds every document of its file, and a branch switch changes thousands of files on disk.
        self._reuse: dict[str, FileReuse] = {}
        self._held: set[str] = set()  # files whose result was read here, from bytes held (not by the scan)
        self._inventory: Inventory | None = None  # of every file as now read; None once one changes
        # The last inventory, while no object that goes into pod templates changed since: the next takes its
        # templates and their index (a change to a Service leaves the workloads as they were).
        self._workloads_built: Inventory | None = None
        self._templates = TemplateCopies()
        # The cross-resource findings of the open files' objects, by object, against this inventory.
        self._cross_inventory: Inventory | None = None
        self._cross_found: dict[int, tuple[Resource, list[Finding]]] = {}

    def scan(self) -> int:
        """Read every manifest of the folder (as `svclint lint` walks it); the number of files read."""
        excludes = Excludes(self.settings.excludes, self.settings.respect_gitignore)
        sources = collect([str(self.root)], None, excludes, self.settings.force_exclude)
        # Findings name files by absolute path, as editors do: a finding's related place in another file becomes
        # a URI, and a file an editor opens keeps what the scan made of it while its text is the same.
        work = [(replace(source, display=os.path.abspath(source.display)), True) for source in sources if source.real]
        for (source, _), result in zip(work, run_files(work, self._job, self.settings.jobs), strict=True):
            path = result.path
            self._files[path] = result
            self._sources[path] = replace(source, display=path, real=None)
            self._read_bytes.pop(path, None)  # the pool read these; an editor's first text is compared lazily
        self._inventory = self._workloads_built = None
        return len(work)

    def open(self, path: str, text: bytes) -> None:
        self._open[path] = text
        self._read(path, text)

    def close(self, path: str) -> None:
        self._open.pop(path, None)
        self._reuse.pop(path, None)
        self.reread(path)

    def reread(self, path: str) -> None:
        """A file changed (or vanished) on disk: read it again, unless an editor holds it."""
        if path in self._open:
            return
        try:
            with open(path, "rb") as handle:
                raw = handle.read(self.settings.max_file_bytes + 1)
        except OSError:
            gone = self._files.pop(path, None)
            if gone is not None:
                self._objects_changed(gone.kept, [])
            self._read_bytes.pop(path, None)
            self._reuse.pop(path, None)
            self._held.discard(path)
            return
        # The file on disk changed since the scan read it: what is on disk now says nothing of what was read.
        self._read(path, raw, disk_as_scanned=False)

    def _read(self, path: str, raw: bytes, disk_as_scanned: bool = True) -> None:
        known = self._files.get(path)
        # Findings name the path the result was read under: only a result read under this very path is kept.
        if known is not None and known.path == path and self._same_as_read(path, raw, disk_as_scanned):
            return
        # A source without a real path takes its bytes from the caller: the editor's text, never the disk's.
        source = self._sources.get(path) or Source(path, None, True)
        reuse = self._reuse.setdefault(path, FileReuse()) if path in self._open else None
        result = process(source, True, self._job, raw, reuse)
        # Objects the scan read find their spans in the file on disk, which may be saved with other text any time:
        # only objects read from bytes held here stand in for new ones.
        if known is not None and path in self._held and same_for_inventory(known, result):
            # The inventory holds the objects read before: they stand for the new ones, equal in every respect
            # the cross-resource checks see, so that the inventory and their findings stay.
            result.kept = known.kept
        else:
            self._objects_changed(known.kept if known is not None else [], result.kept)
        self._files[path] = result
        self._read_bytes[path] = raw
        self._held.add(path)

    def _objects_changed(self, before: Sequence[Resource], after: Sequence[Resource]) -> None:
        """A file's objects went or came: the index is built again, and its pod templates too when one of those
        objects goes into them (objects of documents that did not change are the same objects)."""
        self._inventory = None
        now, then = {id(r) for r in after}, {id(r) for r in before}
        gone = (r for r in before if id(r) not in now)
        new = (r for r in after if id(r) not in then)
        if any(feeds_workloads(r) for r in (*gone, *new)):
            self._workloads_built = None

    def _same_as_read(self, path: str, raw: bytes, disk_as_scanned: bool) -> bool:
        known = self._read_bytes.get(path)
        if known is None and not disk_as_scanned:
            return False
        if known is None:
            # Read by the scan's pool, which keeps no bytes: the file on disk then is the file on disk now, unless
            # it changed since (a change on disk arrives as its own notification and reads it again).
            try:
                with open(path, "rb") as handle:
                    known = handle.read(self.settings.max_file_bytes + 1)
            except OSError:
                return False
            self._read_bytes[path] = known
        return known == raw

    @property
    def open_paths(self) -> list[str]:
        return list(self._open)

    def findings(self, paths: Iterable[str]) -> dict[str, list[Finding]]:
        """The unsuppressed findings of each of `paths`, with the whole workspace as context."""
        wanted = [p for p in paths if p in self._files]
        found: list[Finding] = [f for p in wanted for f in self._files[p].findings]
        found.extend(self._cross(wanted))
        ids = {key: rule.id for rule in self.rules.all for key in (rule.id, rule.name)}
        directives = collect_directives([self._files[p] for p in wanted], ids)
        kept = apply_suppressions(found, directives, SuppressionStats())
        out: dict[str, list[Finding]] = {p: [] for p in wanted}
        for finding in sorted(kept, key=Finding.sort_key):
            if finding.suppression is None and finding.location.path in out:
                out[finding.location.path].append(finding)
        return out

    def _cross(self, paths: Sequence[str]) -> list[Finding]:
        if not self.rules.cross or not paths:
            return []
        inventory = self._current_inventory()
        if inventory is not self._cross_inventory:
            self._cross_inventory, self._cross_found = inventory, {}
        engine = Engine(self.rules.cross, inventory, self.rules.params)
        found: list[Finding] = []
        for resource in (resource for p in paths for resource in self._files[p].kept):
            # An object checked against the same inventory before has the same findings.
            entry = self._cross_found.get(id(resource))
            if entry is None or entry[0] is not resource:
                entry = self._cross_found[id(resource)] = (resource, engine.check(resource))
            found.extend(entry[1])
        return found

    def _current_inventory(self) -> Inventory:
        if self._inventory is None:
            results = self._files.values()
            kustomizations = [(r.path, document) for r in results for document in r.kustomizations]
            resources = [k for r in results for k in r.kept]
            workloads = self._workloads_built
            self._inventory = build_inventory(
                resources, kustomizations=kustomizations, template_of=self._templates, workloads_from=workloads
            )
            if workloads is None:
                self._templates.forget_unused()
            self._workloads_built = self._inventory
        return self._inventory
