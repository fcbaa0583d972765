"""The language server's workspace after a sequence of edits gives the findings a fresh read of the same text
gives: the inventory it keeps between edits (and the pod templates reused from one build to the next) holds
nothing of the files' earlier text."""

from __future__ import annotations

from pathlib import Path

from svclint.core.model import Finding
from svclint.lsp.workspace import Workspace

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: shop
spec:
  type: NodePort
  selector:
    app: {app}
  ports:
  - name: http
    port: 80
    targetPort: {target}
    nodePort: 30080
"""

WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
"""

DEPLOYMENT = (
    WORKLOAD
    + """\
  replicas: {replicas}
  selector:
    matchLabels:
      app: {app}
  template:
    metadata:
      labels:
        app: {app}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - name: http
          containerPort: 8080
"""
)

PATCH = (
    WORKLOAD
    + """\
  template:
    spec:
      containers:
      - name: sidecar
        ports:
        - name: metrics
          containerPort: 9090
"""
)

HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 0
  maxReplicas: 3
"""

# Each step: the full text of every file after it ("" removes the file's objects).
STEPS: list[dict[str, str]] = [
    {
        "front.yaml": SERVICE.format(name="front", app="web", target=8080),
        "web.yaml": DEPLOYMENT.format(replicas=2, app="web"),
    },
    # The workload's label renamed: the Service selects nothing.
    {"web.yaml": DEPLOYMENT.format(replicas=2, app="webapp")},
    # A second Service in another file claims the same nodePort and targets a port name nobody declares.
    {"other.yaml": SERVICE.format(name="other", app="webapp", target="metrics")},
    # A patch adds that port to the workload; an autoscaler may scale it to zero.
    {"overlay/patch.yaml": PATCH, "hpa.yaml": HPA},
    # The first Service renamed and pointed back at a label nobody has.
    {"front.yaml": SERVICE.format(name="entry", app="web", target=8080)},
    # The patch removed while the workload's file stays as it was: the port name is unknown again.
    {"overlay/patch.yaml": ""},
    # The autoscaler gone, the workload unchanged.
    {"hpa.yaml": ""},
    # The second Service removed, the label renamed back, the first Service's name restored.
    {
        "other.yaml": "",
        "web.yaml": DEPLOYMENT.format(replicas=1, app="web"),
        "front.yaml": SERVICE.format(name="front", app="web", target=8080),
    },
    # Scaled to zero; then `n`, which YAML 1.1 reads as false (not a count): equal to 0 for Python, the same
    # length in the text, and a different workload for Kubernetes (the default of one replica).
    {
        "web.yaml": DEPLOYMENT.format(replicas=0, app="web"),
        "local.yaml": SERVICE.format(name="local", app="web", target=8080) + "  externalTrafficPolicy: Local\n",
    },
    {"web.yaml": DEPLOYMENT.format(replicas="n", app="web")},
    # Fields the inventory does not keep (a comment, the container's resources): nothing it holds changes.
    {"web.yaml": DEPLOYMENT.format(replicas="n  # none", app="web") + "        resources: {limits: {cpu: 1}}\n"},
    # The Service file saved as it is, by the editor; then its nodePort changed in a comment only.
    {"front.yaml": SERVICE.format(name="front", app="web", target=8080)},
    {"front.yaml": SERVICE.format(name="front", app="web", target=8080) + "# nodePort: 30081\n"},
]


def _shown(findings: dict[str, list[Finding]], root: Path) -> dict[str, list[tuple[object, ...]]]:
    return {
        str(Path(path).relative_to(root)): [(f.rule_id, f.message, f.location.span, f.related) for f in found]
        for path, found in findings.items()
    }


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def test_edits_give_the_findings_of_a_fresh_read(tmp_path: Path) -> None:
    edited_root, fresh_root = tmp_path / "edited", tmp_path / "fresh"
    edited_root.mkdir()
    _write(edited_root, STEPS[0])
    edited = Workspace(edited_root)
    edited.scan()
    current: dict[str, str] = {}
    seen_rules: set[str] = set()
    for number, step in enumerate(STEPS):
        current.update(step)
        for name, text in step.items():
            # Some files are edited in the editor, the others change on disk.
            if name.endswith(("front.yaml", "other.yaml")):
                edited.open(str(edited_root / name), text.encode())
            else:
                _write(edited_root, {name: text})
                edited.reread(str(edited_root / name))
        fresh_dir = fresh_root / str(number)
        fresh_dir.mkdir(parents=True)
        _write(fresh_dir, current)
        fresh = Workspace(fresh_dir)
        fresh.scan()
        for name, text in current.items():
            fresh.open(str(fresh_dir / name), text.encode())
        names = sorted(current)
        got = _shown(edited.findings(str(edited_root / n) for n in names), edited_root)
        want = _shown(fresh.findings(str(fresh_dir / n) for n in names), fresh_dir)
        # Messages and related locations name files by their path: compare them relative to each root.
        got_text = repr(got).replace(str(edited_root), "ROOT")
        want_text = repr(want).replace(str(fresh_dir), "ROOT")
        assert got_text == want_text, f"after step {number}"
        seen_rules.update(str(rule) for found in got.values() for rule, *_ in found)
    # The steps exercised cross-file findings that come and go, not only per-file ones.
    assert len(seen_rules) >= 3, seen_rules
