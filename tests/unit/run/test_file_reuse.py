"""A file read again after an edit, keeping the documents that did not change, gives what reading it afresh
gives: the same findings, the same objects for the inventory, the same problems and counts; and the documents
around the edit really are the ones of the reading before (neither parsed nor checked again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from svclint.core.model import Finding
from svclint.engine.evaluate import activate
from svclint.engine.params import Params
from svclint.input.parsing.loader import LoadOptions
from svclint.input.sources import Source
from svclint.run.filework import FileJob, FileResult, process
from svclint.run.reuse import FileReuse
from svclint.run.rules import load_all_rules, select_rules
from svclint.run.settings import LintSettings

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  type: NodePort
  selector:
    app: {name}
  ports:
  - port: 80
    protocol: {protocol}
    nodePort: {node_port}
"""
# Defaults filled in place (`${PORT:-8080}`) and a placeholder left unknown: preparing twice would lose both.
PLACEHOLDERS = """\
apiVersion: v1
kind: Service
metadata:
  name: templated
spec:
  ports:
  - port: ${PORT:-8080}
    targetPort: ${TARGET}
    protocol: tcp
"""
# A strategic-merge patch: its directive is removed in place when the object is prepared.
PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: sidecar
        $patch: delete
"""
LIST = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: listed
  spec:
    ports:
    - port: 99999
- not an object
"""
BROKEN = """\
apiVersion: v1
kind: Service
metadata:
  name: broken
  labels: {app: [web
spec:
  ports:
  - port: 80
"""
SUPPRESSED = """\
apiVersion: v1
kind: Service
metadata:
  name: quiet
spec:
  ports:
  - port: 80
    protocol: udp  # svclint: disable=unsupported-protocol reason: tested
"""


def _file(*documents: str) -> bytes:
    return "---\n".join(documents).encode()


FIRST = [SERVICE.format(name="a", protocol="TCP", node_port=30001), PLACEHOLDERS, PATCH, LIST, SUPPRESSED]
# Each version: the file's documents after one more edit.
VERSIONS = [
    FIRST,
    # A value of one document changes (a finding appears): the others are kept.
    [FIRST[0].replace("TCP", "tcp"), *FIRST[1:]],
    # A line inserted into the first document moves every later one down: they are read again.
    [FIRST[0].replace("TCP", "tcp").replace("spec:\n", "spec:\n  clusterIP: None\n"), *FIRST[1:]],
    # A document broken in the middle, then repaired.
    [FIRST[0], BROKEN, *FIRST[1:]],
    [FIRST[0], BROKEN.replace("[web", "web}"), *FIRST[1:]],
    # A document removed, one added at the end, two the same.
    [FIRST[0], PLACEHOLDERS, LIST, SUPPRESSED, FIRST[0], FIRST[0]],
    # A Go template in the middle: that document is skipped, the others linted.
    [FIRST[0], "kind: Service\nmetadata:\n  name: {{ .Values.name }}\n", PATCH],
    FIRST,
]


def _job() -> FileJob:
    settings = LintSettings(paths=["."])
    rules = select_rules(load_all_rules(settings), settings)
    params = Params(*settings.node_port_range, kube_version=settings.kube_version).variables()
    active = activate(rules, {}, params)
    checking = [a for a in active if a.rule.function is not None]
    by_name = {a.rule.name: a for a in active}
    local = [a for a in checking if not a.rule.needs_inventory]
    return FileJob(local, by_name, LoadOptions(), params=params, whole_kinds=None)


def _shown(result: FileResult) -> dict[str, Any]:
    def finding(f: Finding) -> tuple[Any, ...]:
        return (f.rule_id, f.message, f.location, f.related, f.identity, f.fix)

    return {
        "findings": [finding(f) for f in result.findings],
        "kept": [(r.kind, r.name, r.prefix, r.partial, r.data, r.document.index, r.locate(())) for r in result.kept],
        "spans": [r.document.spans for r in result.kept],
        "comments": result.comments,
        "annotated": [r.name for r in result.annotated],
        "stats": result.stats,
    }


def test_reading_again_gives_what_a_fresh_reading_gives(tmp_path: Path) -> None:
    job = _job()
    path = str(tmp_path / "edited.yaml")
    source = Source(path, None, True)
    reuse = FileReuse()
    before: FileResult | None = None
    codes: set[str] = set()
    for number, documents in enumerate(VERSIONS):
        raw = _file(*documents)
        again = process(source, True, job, raw, reuse)
        fresh = process(source, True, job, raw)
        assert _shown(again) == _shown(fresh), f"version {number}"
        codes.update(f.rule_id for f in again.findings)
        if number == 1 and before is not None:
            # Only the first document changed: every later object is the reading before's, with its findings.
            assert [id(r) for r in again.kept[1:]] == [id(r) for r in before.kept[1:]]
            assert again.kept[0] is not before.kept[0]
            # The per-object rules' findings of the later documents (the input problems are said anew).
            later = [f for f in again.findings if f.location.span.start_line > 13 and f.rule_id == "SVC113"]
            assert later and all(any(f is g for g in before.findings) for f in later)
        before = again
    # The versions exercised input problems, per-object rules and placeholders, not only clean files.
    assert {"SVC001", "SVC003", "SVC004", "SVC012", "SVC112", "SVC113"} <= codes, codes
