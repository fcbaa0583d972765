"""A file read again gives the inventory the same objects when only what the inventory does not keep changed
(a comment, a document of a kind no rule reads); any change to what it keeps, its types or its places does
not."""

from __future__ import annotations

import pytest

from svclint.input.parsing.loader import LoadOptions
from svclint.input.sources import Source
from svclint.lsp.sameness import same_for_inventory
from svclint.run.filework import FileJob, FileResult, process

MANIFEST = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    protocol: TCP
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 0
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
        resources: {limits: {cpu: 1}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: info
"""


def _read(text: str) -> FileResult:
    # As the language server reads files: kinds no rule reads are not built, the others are kept whole.
    job = FileJob([], {}, LoadOptions(skip_kinds=frozenset({"ConfigMap"})), whole_kinds=None)
    return process(Source("/ws/web.yaml", None, True), True, job, text.encode())


@pytest.mark.parametrize(
    ("old", "new", "same"),
    [
        ("  name: web\nspec:\n  type", "  name: web  # the shop\nspec:\n  type", True),
        ("level: info", "level: debug", True),
        ("{limits: {cpu: 1}}", "{limits: {cpu: 2}}", False),  # kept whole: the rules may read any field
        ("replicas: 0", "replicas: n", False),  # YAML 1.1's false: equal to 0 in Python, not in Kubernetes
        ("protocol: TCP", "protocol: UDP", False),
        ("kind: Service\n", "kind: Service\n# moved down a line\n", False),  # the same values, other places
        ("image: nginx", "image: nginx:1.27", False),
    ],
)
def test_what_the_inventory_keeps_decides(old: str, new: str, same: bool) -> None:
    assert old in MANIFEST
    assert same_for_inventory(_read(MANIFEST), _read(MANIFEST.replace(old, new))) is same
